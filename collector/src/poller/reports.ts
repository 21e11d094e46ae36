import type { Feed, UsageRow } from '../connectors/types';
import type { LiveUsageMeter } from '../costs/live-usage';
import type { BatchWriter } from '../stores/clickhouse/batch-writer';
import type { WatermarkStore } from './watermarks';

export interface FeedTarget {
  organizationId: string;
  connectionId: string;
}

export interface PollWindow {
  /** Unix seconds the poll runs up to (exclusive), normally the last whole hour. */
  end: number;
  /** Re-poll at least this far back every time: vendors revise recent buckets. */
  trailingSeconds: number;
  /** Where a feed never polled before starts. */
  backfillFrom: number;
  /** Rows a page should hold (the poller's memory goes with it); absent, the vendor's largest pages. */
  rowsPerPage?: number;
}

export interface FeedProgress {
  feed: string;
  from: number;
  to: number;
  reached: number;
  rows: number;
  pages: number;
}

const DAY = 86400;

/**
 * Polls one feed from its watermark (or the trailing window, whichever is earlier) to the
 * window's end. Each page is stored (the writer's `store`, which resolves only once every row
 * is in) before the watermark moves past it, so a restart resumes where it stopped; a bucket
 * stored twice collapses in ReplacingMergeTree.
 */
export async function pollFeed<R extends object>(
  feed: Feed<R>,
  table: 'vendor_usage' | 'vendor_costs',
  target: FeedTarget,
  deps: { writer: Pick<BatchWriter, 'store'>; watermarks: WatermarkStore; meter?: LiveUsageMeter },
  window: PollWindow,
  onProgress?: (p: FeedProgress) => void,
): Promise<FeedProgress> {
  const mark = await deps.watermarks.get(target.connectionId, feed.name);
  const startedAt = mark?.startedAt ?? new Date(window.end * 1000);
  // Every feed starts at midnight: a day's usage and its bill then always cover the same hours.
  const from = alignDown(Math.min(mark ? mark.watermark.getTime() / 1000 : window.backfillFrom, window.end - window.trailingSeconds), DAY);
  const progress: FeedProgress = { feed: feed.name, from, to: window.end, reached: from, rows: 0, pages: 0 };
  if (from >= window.end) return progress;
  onProgress?.({ ...progress });
  const pages = feed.pages({ start: from, end: window.end }, { rowsPerPage: window.rowsPerPage });
  try {
    // One page in memory per feed: the next is asked for once this one is stored. Fetching it
    // during the insert gained nothing measurable (connections already overlap each other's
    // inserts) and held a second page.
    for await (const page of pages) {
      if (page.rows.length > 0) {
        const polledAt = new Date().toISOString();
        for (const r of page.rows) Object.assign(r, { organization_id: target.organizationId, connection_id: target.connectionId, polled_at: polledAt });
        const live = table === 'vendor_usage' && deps.meter ? await deps.meter.prepare(target, page.rows as unknown as UsageRow[], startedAt) : undefined;
        try {
          await deps.writer.store(table, page.rows as Record<string, unknown>[]);
        } catch (err) {
          live?.failed();
          throw err;
        }
        live?.stored();
      }
      await deps.watermarks.advance(target.organizationId, target.connectionId, feed.name, new Date(page.reached * 1000), startedAt);
      progress.reached = page.reached;
      progress.rows += page.rows.length;
      progress.pages++;
      onProgress?.({ ...progress });
    }
  } catch (err) {
    await deps.watermarks.failed(target.connectionId, feed.name, (err as Error).message);
    throw err;
  }
  return progress;
}

export const alignDown = (t: number, seconds: number) => Math.floor(t / seconds) * seconds;
