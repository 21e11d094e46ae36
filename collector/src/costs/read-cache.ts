import type { TelemetryDb } from '../stores/clickhouse/client';
import { currentScope } from '../stores/tenant-scope';

/** What a cost query needs of the telemetry store: the cache below is one, the store itself another. */
export type TelemetryReader = Pick<TelemetryDb, 'query'>;

/**
 * Results of repeated telemetry reads (the cost summary every dashboard asks for), kept while
 * the tables they read are unchanged. Any insert, mutation or merge replaces a part, so the
 * tables' active parts name their contents' version: each read asks ClickHouse for that (a
 * look at system.parts, a few ms) and runs its query again only when it changed. A read never
 * answers from before it was asked: it waits for a look at the parts that started after it
 * arrived, shared with every read that arrived meanwhile.
 */
export class TelemetryReadCache implements TelemetryReader {
  private readonly entries = new Map<string, { version: string; rows: Promise<unknown[]> }>();
  private current: Promise<string> | undefined;
  private next: Promise<string> | undefined;

  constructor(
    private readonly db: TelemetryDb,
    private readonly tables: readonly string[],
    /** Results kept (the least recently read go first), and the largest kept. */
    private readonly limits = { entries: 64, rows: 20_000 },
  ) {}

  async query<R = Record<string, unknown>>(sql: string, params: Record<string, unknown> = {}): Promise<R[]> {
    const version = await this.version();
    // The scope too: what one organisation read (ClickHouse filtered it for that one) is never another's answer.
    const key = JSON.stringify([currentScope() ?? null, sql, params]);
    const hit = this.entries.get(key);
    this.entries.delete(key);
    if (hit?.version === version) {
      this.entries.set(key, hit);
      return (await hit.rows) as R[];
    }
    const entry = { version, rows: this.db.query<R>(sql, params) as Promise<unknown[]> };
    this.entries.set(key, entry);
    if (this.entries.size > this.limits.entries) this.entries.delete(this.entries.keys().next().value!);
    const forget = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    entry.rows.then((rows) => rows.length > this.limits.rows && forget(), forget);
    return (await entry.rows) as R[];
  }

  /** The version as seen by a look at the parts that started after this call. */
  private version(): Promise<string> {
    if (!this.current) return this.look();
    this.next ??= this.current
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.look();
      });
    return this.next;
  }

  private look(): Promise<string> {
    const look = this.db
      .query<{ table: string; parts: number; names: string }>(
        `SELECT table, count() AS parts, toString(groupBitXor(cityHash64(name))) AS names
           FROM system.parts WHERE database = {database:String} AND table IN {tables:Array(String)} AND active
          GROUP BY table ORDER BY table`,
        { database: this.db.database, tables: this.tables },
      )
      .then((rows) => rows.map((r) => `${r.table}:${r.parts}:${r.names}`).join(' '));
    this.current = look;
    const done = () => {
      if (this.current === look) this.current = undefined;
    };
    look.then(done, done);
    return look;
  }
}
