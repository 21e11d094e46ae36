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
}

export interface CursorEnvelope {
  has_more: boolean;
  next_page: string | null;
}

/**
 * A report endpoint paged by `next_page` cursors, as both vendors' usage and cost reports
 * are. Each page says how far it reached so the poller can checkpoint after storing it.
 */
export function cursorFeed<E extends CursorEnvelope, R>(spec: {
  name: string;
  bucketSeconds: number;
  fetchPage: (range: TimeRange, cursor: string | undefined) => Promise<E>;
  normalize: (envelope: E) => R[];
  /** End (unix seconds) of the envelope's last bucket. */
  lastBucketEnd: (envelope: E) => number | undefined;
}): Feed<R> {
  return {
    name: spec.name,
    bucketSeconds: spec.bucketSeconds,
    async *pages(range: TimeRange): AsyncGenerator<Page<R>> {
      let cursor: string | undefined;
      do {
        const envelope = await spec.fetchPage(range, cursor);
        const reached = envelope.has_more ? (spec.lastBucketEnd(envelope) ?? range.start) : range.end;
        yield { rows: spec.normalize(envelope), reached: Math.min(reached, range.end) };
        cursor = envelope.has_more && envelope.next_page ? envelope.next_page : undefined;
      } while (cursor);
    },
  };
}
