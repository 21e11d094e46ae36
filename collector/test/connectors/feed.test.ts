import { cursorFeed, HOURLY_PAGE, type CursorEnvelope } from '../../src/connectors/feed';

const HOUR = 3600;
const START = Date.UTC(2026, 9, 1) / 1000;

interface Envelope extends CursorEnvelope {
  data: { start_time: number; end_time: number; results: { n: number }[] }[];
}

/**
 * A vendor's bucket-paged report, as the simulator and both vendors page it: `limit`
 * buckets per page from the cursor (or the start), optionally also cut once a page holds
 * `maxResults`. Every request is recorded.
 */
function bucketVendor(opts: { resultsPerBucket: (start: number) => number; maxResults?: number }) {
  const requests: { start: number; end: number; cursor?: string }[] = [];
  const fetchPage = async (range: { start: number; end: number }, cursor: string | undefined): Promise<Envelope> => {
    requests.push({ ...range, ...(cursor ? { cursor } : {}) });
    const data: Envelope['data'] = [];
    let b = cursor ? Number(cursor) : range.start;
    let results = 0;
    for (; b < range.end && data.length < HOURLY_PAGE && results < (opts.maxResults ?? Infinity); b += HOUR) {
      const n = opts.resultsPerBucket(b);
      data.push({ start_time: b, end_time: b + HOUR, results: Array.from({ length: n }, () => ({ n: b })) });
      results += n;
    }
    return { data, has_more: b < range.end, next_page: b < range.end ? String(b) : null };
  };
  const feed = cursorFeed<Envelope, { n: number }>({
    name: 'test.usage',
    bucketSeconds: HOUR,
    fetchPage,
    normalize: (e) => e.data.flatMap((d) => d.results),
    lastBucketEnd: (e) => e.data.at(-1)?.end_time,
  });
  return { feed, requests };
}

async function drain(feed: ReturnType<typeof bucketVendor>['feed'], range: { start: number; end: number }, rowsPerPage?: number) {
  const pages: { rows: number; reached: number; buckets: number[] }[] = [];
  for await (const page of feed.pages(range, { rowsPerPage })) pages.push({ rows: page.rows.length, reached: page.reached, buckets: [...new Set(page.rows.map((r) => r.n))] });
  return pages;
}

describe('cursor feeds sized by rows per page', () => {
  it('asks a dense organisation for as many hours as fit in rowsPerPage, every hour once and in order', async () => {
    const { feed, requests } = bucketVendor({ resultsPerBucket: () => 600 });
    const range = { start: START, end: START + 400 * HOUR };
    const pages = await drain(feed, range, 2000);
    // The first request cannot know the density and asks for one hour; from then on 3 hours (1,800 rows) a page.
    expect(requests.map((r) => (r.end - r.start) / HOUR)).toEqual([1, ...Array(133).fill(3)]);
    expect(pages.slice(1).every((p) => p.rows === 1800)).toBe(true);
    expect(pages.flatMap((p) => p.buckets)).toEqual(Array.from({ length: 400 }, (_, i) => START + i * HOUR));
    expect(pages.at(-1)!.reached).toBe(range.end);
  });

  it('asks again from where a vendor cut a window by results, so no page is the small rest of one; every hour once and in order', async () => {
    // Windows of 3 hours (1,800 rows) that the vendor cuts after 2 hours (1,000 results or more).
    const { feed, requests } = bucketVendor({ resultsPerBucket: () => 600, maxResults: 1000 });
    const range = { start: START, end: START + 31 * HOUR };
    const pages = await drain(feed, range, 2000);
    expect(pages.flatMap((p) => p.buckets)).toEqual(Array.from({ length: 31 }, (_, i) => START + i * HOUR));
    // Following the cursor instead would have added a 600-row page after each of them.
    expect(pages.map((p) => p.rows)).toEqual([600, ...Array(15).fill(1200)]);
    expect(requests.filter((r) => r.cursor)).toHaveLength(0);
  });

  it('follows the cursor of a vendor that pages within one bucket', async () => {
    // Pages of 500 results inside a 2,000-result hour: only the hour's last page says it passed the hour.
    interface InBucket extends CursorEnvelope { rows: { n: number }[]; endOfHour?: number }
    const cursors: (string | undefined)[] = [];
    const feed = cursorFeed<InBucket, { n: number }>({
      name: 'test.usage',
      bucketSeconds: HOUR,
      fetchPage: async (range, cursor) => {
        cursors.push(cursor);
        const offset = cursor ? Number(cursor) : 0;
        const more = offset + 500 < 2000;
        return { rows: Array.from({ length: 500 }, () => ({ n: range.start })), endOfHour: more ? undefined : range.start + HOUR, has_more: more, next_page: more ? String(offset + 500) : null };
      },
      normalize: (e) => e.rows,
      lastBucketEnd: (e) => e.endOfHour,
    });
    const pages: number[] = [];
    for await (const page of feed.pages({ start: START, end: START + HOUR }, { rowsPerPage: 1000 })) pages.push(page.rows.length);
    expect(pages).toEqual([500, 500, 500, 500]);
    expect(cursors).toEqual([undefined, '500', '1000', '1500']);
  });

  it('shrinks the windows as soon as the traffic grows', async () => {
    const busyFrom = START + 48 * HOUR;
    const { feed, requests } = bucketVendor({ resultsPerBucket: (b) => (b < busyFrom ? 1 : 600) });
    const pages = await drain(feed, { start: START, end: START + 400 * HOUR }, 2000);
    expect(requests.slice(0, 2).map((r) => (r.end - r.start) / HOUR)).toEqual([1, HOURLY_PAGE]);
    // The window that first met the busy hours averaged them with the quiet ones (4 hours); every later one holds 3.
    expect((requests[2]!.end - requests[2]!.start) / HOUR).toBe(4);
    expect(requests.slice(3).every((r) => r.end - r.start <= 3 * HOUR)).toBe(true);
    expect(pages.reduce((s, p) => s + p.rows, 0)).toBe(48 + 352 * 600);
  });

  it('keeps the vendor’s largest pages for a small organisation', async () => {
    const { feed, requests } = bucketVendor({ resultsPerBucket: () => 5 });
    const range = { start: START, end: START + 400 * HOUR };
    const pages = await drain(feed, range, 15000);
    expect(requests.map((r) => (r.end - r.start) / HOUR)).toEqual([1, HOURLY_PAGE, HOURLY_PAGE, 400 - 1 - 2 * HOURLY_PAGE]);
    expect(pages.reduce((s, p) => s + p.rows, 0)).toBe(400 * 5);
  });

  it('still moves on, one hour a request, when a single hour holds more than rowsPerPage', async () => {
    const { feed, requests } = bucketVendor({ resultsPerBucket: () => 3000, maxResults: 3000 });
    const range = { start: START, end: START + 6 * HOUR };
    const pages = await drain(feed, range, 1000);
    expect(pages.map((p) => p.rows)).toEqual([3000, 3000, 3000, 3000, 3000, 3000]);
    expect(requests.map((r) => (r.end - r.start) / HOUR)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('widens fourfold after an empty page, and grows the windows again when the traffic thins out', async () => {
    // Busy for the first day, then almost idle.
    const { feed, requests } = bucketVendor({ resultsPerBucket: (b) => (b < START + 24 * HOUR ? 1000 : 10), maxResults: 4000 });
    const range = { start: START, end: START + 24 * 30 * HOUR };
    const pages = await drain(feed, range, 4000);
    expect(pages.reduce((s, p) => s + p.rows, 0)).toBe(24 * 1000 + (24 * 29) * 10);
    expect(Math.max(...requests.map((r) => r.end - r.start)) / HOUR).toBe(HOURLY_PAGE);
    expect(pages.at(-1)!.reached).toBe(range.end);
    const { feed: idle, requests: idleRequests } = bucketVendor({ resultsPerBucket: () => 0 });
    await drain(idle, { start: START, end: START + 48 * HOUR }, 4000);
    expect(idleRequests.map((r) => (r.end - r.start) / HOUR)).toEqual([1, 4, 16, 27]);
  });

  it('asks for the vendor’s largest windows when no rowsPerPage is given', async () => {
    const { feed, requests } = bucketVendor({ resultsPerBucket: () => 600 });
    await drain(feed, { start: START, end: START + 200 * HOUR });
    expect(requests.map((r) => (r.end - r.start) / HOUR)).toEqual([HOURLY_PAGE, 200 - HOURLY_PAGE]);
  });
});
