import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Instruments } from '../../metrics/instruments.generated';
import { asSystem } from '../tenant-scope';
import { RowsNotStoredError, type BatchWriter } from './batch-writer';
import { checkRows } from './scope';
import { SpoolLog, type Batch } from './spool-log';
import { encodeFrame } from './spool-segments';

export interface SpoolOptions {
  dir: string;
  table: string;
  maxBytes: number;
  writer: BatchWriter;
  log: Logger;
  metrics: Instruments;
  /** Most rows the drainer hands the writer in one store(). */
  batchRows?: number;
  /** How long the first append of a group waits for others to share its durable write (default 0: the rest of the event loop's turn). */
  lingerMs?: number;
  /** First wait after a failed store; doubles per failure, up to 30 times it. */
  retryMs?: number;
  /**
   * Under load (the last store took `paceRows` rows or more, default 500), the least time from
   * one store's start to the next's while fewer than `batchRows` rows wait (default 250 ms):
   * the drainer then hands the engine parts of thousands of rows rather than one per group
   * commit, each of which ClickHouse would spend its background merges on. Light traffic is
   * stored as soon as it is written.
   */
  storeEveryMs?: number;
  paceRows?: number;
}

/** The spool cannot take the rows: the receivers answer 503 with this Retry-After. */
/** The spool takes no rows now (full, or its disk refuses writes): the sender should retry after `retryAfterSeconds`. */
export class SpoolFullError extends Error {
  override name = 'SpoolFullError';
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Spool {
  /** Resolves once the rows are durable (fsynced to the spool). Throws SpoolFullError when they do not fit. */
  append(rows: Record<string, unknown>[]): Promise<void>;
  /** Bytes and rows waiting to reach ClickHouse. */
  backlog(): { bytes: number; rows: number };
  /** Drains what it can within the writer's retries, keeps the rest on disk for the next start. */
  close(): Promise<void>;
}

/** The longest wait between tries, in retryMs: an outage's end is noticed within it. */
const MAX_RETRY_STEPS = 30;
/** How long close() goes on storing a backlog: the rest waits on disk rather than hold up the shutdown. */
const CLOSE_DRAIN_MS = 10_000;

/**
 * A write-ahead log in front of ClickHouse for rows that were promised to their sender
 * (README, "Durability of pushed telemetry"). append() groups concurrent callers into one durable
 * write (group commit) on an append-only segment (spool-log.ts); one drainer stores
 * the segments in order through the batch writer, holding its place while ClickHouse refuses
 * writes, and a segment is deleted once every row of it is stored. A replayed batch is stored
 * again whole: the table's ReplacingMergeTree collapses the copies, so at-least-once into the
 * table is exactly-once as read with FINAL.
 */
export async function openSpool(opts: SpoolOptions): Promise<Spool> {
  // The name goes into file names and a pattern that finds them.
  if (!/^[a-z_][a-z0-9_]*$/.test(opts.table)) throw new Error(`bad table name ${opts.table}`);
  await mkdir(opts.dir, { recursive: true });
  const spool = new DiskSpool(opts);
  await spool.start();
  return spool;
}

type Outcome = 'stored' | 'skipped-bad-rows' | 'refused' | 'unwritten';

class DiskSpool implements Spool {
  private readonly batchRows: number;
  private readonly retryMs: number;
  private readonly storeEveryMs: number;
  private readonly paceRows: number;
  private readonly log: SpoolLog;
  private wake: (() => void) | null = null;
  private drainer: Promise<void> = Promise.resolve();
  private closing: Promise<void> | null = null;
  private stopping = false;
  private stopBy = Infinity;
  /** Bytes per second stored lately: what Retry-After is estimated from. */
  private drainRate = 0;

  constructor(private readonly opts: SpoolOptions) {
    this.batchRows = opts.batchRows ?? 10_000;
    this.retryMs = opts.retryMs ?? 1000;
    this.storeEveryMs = opts.storeEveryMs ?? 250;
    this.paceRows = opts.paceRows ?? 500;
    this.log = new SpoolLog(opts.dir, opts.table, opts.log, opts.maxBytes, opts.lingerMs ?? 0, this.batchRows);
    this.log.onWritten = () => {
      this.report();
      this.wake?.();
    };
  }

  async start(): Promise<void> {
    await this.log.recover();
    this.report();
    // The rows are of every organisation, each checked against its caller's scope when appended.
    this.drainer = asSystem('spool replay', () => this.drain());
  }

  append(rows: Record<string, unknown>[]): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`spool for ${this.opts.table} is closed; ${rows.length} rows refused`));
    if (rows.length === 0) return Promise.resolve();
    let frame: Buffer;
    try {
      // The drainer writes outside any scope: what a tenant hands it is checked here, as the writer would.
      checkRows(this.opts.table, rows);
      frame = encodeFrame(rows);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (this.log.reserved() + frame.length > this.opts.maxBytes) {
      const retryAfterSeconds = this.retryAfter();
      return Promise.reject(
        new SpoolFullError(retryAfterSeconds, `the ${this.opts.table} spool is full (${this.log.diskBytes} of ${this.opts.maxBytes} bytes) while ClickHouse catches up; retry in ${retryAfterSeconds} s`),
      );
    }
    return this.log.append(frame, rows.length).catch((err: NodeJS.ErrnoException) => {
      // A full disk is a full spool, whatever the bound says; a disk that refuses the write (its
      // directory gone, read-only, failing) takes nothing either. Either way the sender is asked
      // to come back (503 and Retry-After, which exporters retry), never told of a bug (a 500 they drop).
      if (err.code === 'ENOSPC' || err.code === 'EDQUOT') throw new SpoolFullError(this.retryAfter(), `no room left on the spool's disk (${err.code}); retry later`);
      if (typeof err.code === 'string') throw new SpoolFullError(this.retryAfter(), `the ${this.opts.table} spool cannot write to its disk (${err.code}); retry later`);
      throw err;
    });
  }

  backlog(): { bytes: number; rows: number } {
    return { bytes: this.log.backlogBytes, rows: this.log.backlogRows };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.log.flush();
    this.stopBy = Date.now() + CLOSE_DRAIN_MS;
    this.stopping = true;
    this.wake?.();
    await this.drainer;
    await this.log.close();
    const { rows, bytes } = this.backlog();
    if (rows > 0) this.opts.log.warn({ table: this.opts.table, rows, bytes }, 'spool closed with rows ClickHouse has not taken; they are stored after the next start');
  }

  private async drain(): Promise<void> {
    let failures = 0;
    let lastStore = { at: -Infinity, rows: 0 };
    for (;;) {
      if (lastStore.rows >= this.paceRows) await this.fill(lastStore.at + this.storeEveryMs);
      const seen = this.log.written;
      let outcome: Outcome | 'idle';
      try {
        lastStore = { at: Date.now(), rows: this.log.backlogRows };
        outcome = await this.drainOnce();
      } catch (err) {
        // A read or a file operation failed: nothing was lost, the place is kept; try again after a wait.
        this.opts.log.error({ table: this.opts.table, err: (err as Error).message }, 'spool drainer failed; it tries again');
        outcome = 'unwritten';
      }
      if (outcome === 'idle') {
        if (this.stopping) return;
        if (seen === this.log.written) await new Promise<void>((r) => (this.wake = r));
        this.wake = null;
        continue;
      }
      if (outcome === 'stored' || outcome === 'skipped-bad-rows') {
        failures = 0;
        if (Date.now() > this.stopBy) return;
        continue;
      }
      this.drainRate /= 2;
      if (this.stopping) return;
      failures++;
      // A batch refused for a reason not its rows' (a missing table, a permission) is tried again at the first step; an outage backs off.
      await this.pause(outcome === 'refused' ? this.retryMs : this.retryMs * Math.min(MAX_RETRY_STEPS, 2 ** Math.min(failures - 1, 16)));
    }
  }

  private async drainOnce(): Promise<Outcome | 'idle'> {
    const batch = await this.log.read(this.batchRows);
    if (!batch) return 'idle';
    const began = Date.now();
    const outcome = await this.store(batch);
    if (outcome === 'stored' || outcome === 'skipped-bad-rows') {
      this.drainRate = 0.7 * this.drainRate + (0.3 * batch.bytes * 1000) / Math.max(1, Date.now() - began);
      // advance() counts the backlog and the freed room before its first await: the gauge moves with them.
      const advancing = this.log.advance(batch);
      this.report();
      await advancing;
    }
    return outcome;
  }

  /** Lets the backlog grow into a full batch until `until`; close() and a full batch cut it short. */
  private fill(until: number): Promise<void> {
    const full = () => this.stopping || this.log.backlogRows >= this.batchRows;
    const ms = until - Date.now();
    if (ms <= 0 || full()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      t.unref();
      this.wake = () => {
        if (full()) done();
      };
      function done() {
        clearTimeout(t);
        resolve();
      }
    }).finally(() => (this.wake = null));
  }

  /** Waits before the next try; close() cuts it short. */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      t.unref();
      this.wake = () => {
        if (this.stopping) done();
      };
      function done() {
        clearTimeout(t);
        resolve();
      }
    }).finally(() => (this.wake = null));
  }

  private async store(batch: Batch): Promise<Outcome> {
    const { writer, table, log } = this.opts;
    const rows = batch.rows;
    try {
      await writer.storeJson(table, batch.encoded);
      return 'stored';
    } catch (err) {
      if (err instanceof RowsNotStoredError && err.unwritten === 0 && err.rejectedForContent === err.rejected) {
        // The writer isolated, counted and logged them; holding them would hold every row behind them.
        log.warn({ table, rows: err.rejected }, 'spool: rows ClickHouse refused for their content are skipped');
        return 'skipped-bad-rows';
      }
      if (err instanceof RowsNotStoredError && err.unwritten === 0) {
        log.error({ table, rows, err: err.message }, 'spool: ClickHouse refused a whole batch; it stays spooled and is tried again');
        return 'refused';
      }
      log.warn({ table, rows, backlogRows: this.log.backlogRows, err: (err as Error).message }, 'spool: ClickHouse is not taking writes; the rows stay spooled and are tried again');
      return 'unwritten';
    }
  }

  private retryAfter(): number {
    // Long enough for the drainer, at its recent pace, to store the backlog; a stalled one reads as a minute when full.
    const rate = Math.max(this.drainRate, this.opts.maxBytes / 60);
    return Math.min(60, Math.max(1, Math.ceil(this.log.backlogBytes / rate)));
  }

  private report(): void {
    // Everything on disk, drained tails and torn records too: what the size bound (and the 503) is measured against.
    this.opts.metrics.collectorSpoolBytes.set(this.log.diskBytes, { table: this.opts.table });
  }
}
