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
    // The first request cannot know the density and takes the vendor's largest page; from then on 3 hours (1,800 rows) a page.
    expect(pages[0]!.rows).toBe(HOURLY_PAGE * 600);
    expect(requests.slice(1).map((r) => (r.end - r.start) / HOUR)).toEqual([...Array(77).fill(3), 1]);
    expect(pages.flatMap((p) => p.buckets)).toEqual(Array.from({ length: 400 }, (_, i) => START + i * HOUR));
    expect(pages.at(-1)!.reached).toBe(range.end);
  });

  it('follows a vendor that cuts pages by results, then shrinks the windows to the density it saw', async () => {
    const { feed, requests } = bucketVendor({ resultsPerBucket: () => 600, maxResults: 6000 });
    const range = { start: START, end: START + 72 * HOUR };
    const pages = await drain(feed, range, 2000);
    expect(pages[0]!.rows).toBe(6000);
    expect(pages.slice(1).every((p) => p.rows === 1800 || p.reached === range.end)).toBe(true);
    const hours = pages.flatMap((p) => p.buckets);
    expect(hours).toEqual(Array.from({ length: 72 }, (_, i) => START + i * HOUR));
    expect(pages.at(-1)!.reached).toBe(range.end);
    // After the first page no request spans more than 3 hours and none carries the vendor's cursor.
    expect(requests.slice(1).every((r) => r.end - r.start <= 3 * HOUR && !r.cursor)).toBe(true);
    expect(requests).toHaveLength(1 + Math.ceil((72 - 10) / 3));
  });

  it('keeps the vendor’s largest pages for a small organisation', async () => {
    const { feed, requests } = bucketVendor({ resultsPerBucket: () => 5 });
    const range = { start: START, end: START + 400 * HOUR };
    const pages = await drain(feed, range, 15000);
    expect(requests.map((r) => (r.end - r.start) / HOUR)).toEqual([HOURLY_PAGE, HOURLY_PAGE, 400 - 2 * HOURLY_PAGE]);
    expect(pages.reduce((s, p) => s + p.rows, 0)).toBe(400 * 5);
  });

  it('still moves on, one hour a request, when a single hour holds more than rowsPerPage', async () => {
    const { feed, requests } = bucketVendor({ resultsPerBucket: () => 3000, maxResults: 3000 });
    const range = { start: START, end: START + 6 * HOUR };
    const pages = await drain(feed, range, 1000);
    expect(pages.map((p) => p.rows)).toEqual([3000, 3000, 3000, 3000, 3000, 3000]);
    expect(requests.slice(1).map((r) => (r.end - r.start) / HOUR)).toEqual([1, 1, 1, 1, 1]);
  });

  it('grows the windows again when the traffic thins out', async () => {
    // Busy for the first day, then almost idle.
    const { feed, requests } = bucketVendor({ resultsPerBucket: (b) => (b < START + 24 * HOUR ? 1000 : 10), maxResults: 4000 });
    const range = { start: START, end: START + 24 * 30 * HOUR };
    const pages = await drain(feed, range, 4000);
    expect(pages.reduce((s, p) => s + p.rows, 0)).toBe(24 * 1000 + (24 * 29) * 10);
    expect(Math.max(...requests.map((r) => r.end - r.start)) / HOUR).toBe(HOURLY_PAGE);
    expect(pages.at(-1)!.reached).toBe(range.end);
  });
});
