import type { SqlExecutor } from '../stores/postgres/types';

export interface Watermark {
  watermark: Date;
  startedAt: Date;
}

/** Per connection and feed: how far the stored data reaches, and when polling began. */
export class WatermarkStore {
  constructor(private readonly db: SqlExecutor) {}

  async get(connectionId: string, feed: string): Promise<Watermark | null> {
    const [row] = await this.db.query<{ watermark: Date; started_at: Date }>('SELECT watermark, started_at FROM poll_watermarks WHERE connection_id = $1 AND feed = $2', [connectionId, feed]);
    return row ? { watermark: row.watermark, startedAt: row.started_at } : null;
  }

  /** Every feed of a connection: how far it reaches, when polling began, the last error. */
  async list(connectionId: string): Promise<{ feed: string; watermark: string; startedAt: string; lastSuccessAt: string | null; lastError: string | null }[]> {
    const rows = await this.db.query<{ feed: string; watermark: Date; started_at: Date; last_success_at: Date | null; last_error: string | null }>(
      'SELECT feed, watermark, started_at, last_success_at, last_error FROM poll_watermarks WHERE connection_id = $1 ORDER BY feed',
      [connectionId],
    );
    return rows.map((r) => ({ feed: r.feed, watermark: r.watermark.toISOString(), startedAt: r.started_at.toISOString(), lastSuccessAt: r.last_success_at?.toISOString() ?? null, lastError: r.last_error }));
  }

  /** Moves the watermark forward only: a re-poll of older buckets never moves it back. */
  async advance(orgId: string, connectionId: string, feed: string, reached: Date, startedAt: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO poll_watermarks (organization_id, connection_id, feed, watermark, started_at, last_success_at, last_error)
       VALUES ($1, $2, $3, $4, $5, now(), NULL)
       ON CONFLICT (connection_id, feed) DO UPDATE
         SET watermark = GREATEST(poll_watermarks.watermark, EXCLUDED.watermark), last_success_at = now(), last_error = NULL, updated_at = now()`,
      [orgId, connectionId, feed, reached, startedAt],
    );
  }

  async failed(connectionId: string, feed: string, error: string): Promise<void> {
    await this.db.query('UPDATE poll_watermarks SET last_error = $3, updated_at = now() WHERE connection_id = $1 AND feed = $2', [connectionId, feed, error.slice(0, 2000)]);
  }
}
