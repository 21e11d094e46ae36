import type { Feed, Page, TimeRange } from './types';

/** The most buckets both vendors return per page, hourly and daily. */
export const HOURLY_PAGE = 168;
export const DAILY_PAGE = 31;

/** How a connector reaches its vendor: the SDK client is built from these. */
export interface ConnectorOptions {
  adminKey: string;
  baseUrl?: string;
  /** Instrumented and rate-gated by the poller. */
  fetch?: typeof fetch;
  /** The SDK's own retries (it honours retry-after). */
  maxRetries?: number;
  /** Aborted at shutdown: ends every call of the client, the SDK's retry waits and the rate gate's with it. */
  signal?: AbortSignal;
}

/** Adds `stop` to a request's own signal: what a client's `prepareOptions` does for every request, retries included. */
export function withStop(options: { signal?: AbortSignal | null }, stop: AbortSignal | undefined): void {
  if (stop) options.signal = options.signal ? AbortSignal.any([options.signal, stop]) : stop;
}

export interface CursorEnvelope {
  has_more: boolean;
  next_page: string | null;
}

/**
 * A report endpoint paged by `next_page` cursors, as both vendors' usage and cost reports
 * are. Each page says how far it reached so the poller can checkpoint after storing it.
 *
 * Vendors page by buckets, not rows, and a bucket of a large organisation holds thousands
 * of results. So the range is asked for in windows of as many buckets as the last page's
 * density says fit in `rowsPerPage` (at least one, at most the vendor's page limit): the
 * memory a page takes stays the same whatever the organisation's size, and a small one
 * still gets the vendor's largest pages after a first request of one bucket. Without
 * `rowsPerPage`, every window is the largest.
 */
export function cursorFeed<E extends CursorEnvelope, R>(spec: {
  name: string;
  bucketSeconds: number;
  fetchPage: (range: TimeRange, cursor: string | undefined) => Promise<E>;
  normalize: (envelope: E) => R[];
  /** End (unix seconds) of the envelope's last bucket. */
  lastBucketEnd: (envelope: E) => number | undefined;
}): Feed<R> {
  const maxBuckets = spec.bucketSeconds >= 86400 ? DAILY_PAGE : HOURLY_PAGE;
  // A function of its own so the vendor's envelope is garbage once normalised: a generator
  // suspended at `yield` keeps its locals, and this one waits there while the page is stored.
  const fetchNormalized = async (range: TimeRange, cursor: string | undefined) => {
    const envelope = await spec.fetchPage(range, cursor);
    const reached = envelope.has_more ? (spec.lastBucketEnd(envelope) ?? range.start) : range.end;
    const next = envelope.has_more && envelope.next_page ? envelope.next_page : undefined;
    return { page: { rows: spec.normalize(envelope), reached: Math.min(reached, range.end) }, next };
  };
  return {
    name: spec.name,
    bucketSeconds: spec.bucketSeconds,
    async *pages(range: TimeRange, opts: { rowsPerPage?: number } = {}): AsyncGenerator<Page<R>> {
      const { rowsPerPage } = opts;
      // Sized by rows, the first window is one bucket: until a page has been seen the density is
      // unknown, and the vendor's largest window of a large organisation is hundreds of MB.
      let buckets = rowsPerPage ? 1 : maxBuckets;
      let from = range.start;
      while (from < range.end) {
        const window = { start: from, end: Math.min(range.end, from + buckets * spec.bucketSeconds) };
        let cursor: string | undefined;
        do {
          const { page, next } = await fetchNormalized(window, cursor);
          const covered = Math.max(1, Math.ceil((page.reached - from) / spec.bucketSeconds));
          // An empty page says little about the next hours: widen fourfold rather than jump to the largest window.
          if (rowsPerPage) buckets = Math.min(maxBuckets, page.rows.length > 0 ? Math.max(1, Math.floor((rowsPerPage * covered) / page.rows.length)) : buckets * 4);
          from = page.reached;
          yield page;
          // A vendor that cut the page short (by results, as the simulator does) is asked again
          // from where it stopped, in a window of the size the density calls for: following its
          // cursor would make the next page the small rest of this window, one request for a few
          // rows. Only a page that passed no bucket needs the cursor to move on.
          cursor = next && from === window.start ? next : undefined;
        } while (cursor);
        if (from === window.start) break; // nothing passed and no cursor: the vendor has no more
      }
    },
  };
}
