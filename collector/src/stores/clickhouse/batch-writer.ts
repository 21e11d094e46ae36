import type { Logger } from 'pino';
import type { Instruments } from '../../metrics/instruments.generated';
import { checkJsonScope, rowsOf, type JsonRows, type TelemetryDb } from './client';
import { isRowDataError, isTransientWriteError } from './errors';
import { Turns } from '../../runtime/turns';
import { checkRows } from './scope';

export interface BatchWriterOptions {
  batchSize: number;
  flushMs: number;
  maxRetries: number;
  /** First retry delay; doubles per attempt. */
  retryBaseMs?: number;
  /** Rows kept per table while the store is down; beyond it the oldest are dropped and counted. */
  maxBufferedRows?: number;
}

type Row = Record<string, unknown>;

/** Rows as objects, or as the JSON the spool holds them in (`rows` is their count). */
type Payload = { rows: readonly Row[]; encoded?: undefined } | { encoded: readonly JsonRows[]; rows: number };

/** What a write came to: rows still unwritten (retries ran out), and rows ClickHouse refused. */
interface Outcome {
  /** The rows unwritten when they were given as objects (the buffer takes them back); none for serialised ones. */
  left: readonly Row[];
  /** How many rows are unwritten after the retries. */
  unwritten: number;
  /** Rows refused: for their content (isolated one by one), or with their whole batch for another reason. */
  rejected: number;
  /** Of those, the rows refused with their batch for a reason not theirs (an unknown table, a permission). */
  refusedWhole: number;
  /** The first error met: the server's answer to a refused row, or the transient error the retries ran out on. */
  reason?: string;
}

/**
 * `store` could not store every row: some were refused (for their content, or with their batch
 * for another reason), or a transient failure outlasted the retries. The caller has not lost its
 * place and tries them again.
 */
export class RowsNotStoredError extends Error {
  constructor(
    readonly table: string,
    readonly rows: number,
    readonly rejected: number,
    readonly unwritten: number,
    reason: string | undefined,
    /** Of the rejected rows, those refused for their own content: sending them again changes nothing. */
    readonly rejectedForContent = rejected,
  ) {
    super(`${rejected + unwritten} of ${rows} ${table} rows not stored (${rejected} refused by ClickHouse, ${unwritten} unwritten after retries): ${reason ?? 'unknown error'}`);
    this.name = 'RowsNotStoredError';
  }
}

/**
 * Every telemetry row the collector writes goes through here (README, "Telemetry writes"), so
 * ai_arm_collector_write_rows_total counts them all. `write` buffers rows per table and writes
 * them in batches: on size, on a timer and on close; `store` writes at once for a caller that
 * must know its rows are stored. Transient failures are retried with backoff and, when retries
 * run out, buffered rows go back to the front of the buffer for the next flush. A batch the
 * server rejects for a row's content (a parse or type error) is split until the bad rows are
 * isolated, so good rows still land; any other refusal refuses the whole batch at once.
 */
export class BatchWriter {
  private readonly buffers = new Map<string, Row[]>();
  private readonly flushes = new Turns();
  private readonly timer: NodeJS.Timeout;
  /** `store` calls in flight, which close() lets finish before the store behind it closes. */
  private readonly storing = new Set<Promise<Outcome>>();
  private closed = false;

  constructor(
    private readonly db: TelemetryDb,
    private readonly opts: BatchWriterOptions,
    private readonly metrics: Instruments,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), opts.flushMs);
    this.timer.unref();
  }

  write(table: string, rows: readonly Row[]): void {
    if (this.closed) throw new Error(`writer is closed; ${rows.length} rows for ${table} refused`);
    checkRows(table, rows);
    const buffer = this.buffers.get(table) ?? [];
    buffer.push(...rows);
    this.buffers.set(table, buffer);
    this.trim(table, buffer);
    this.report(table);
    if (buffer.length >= this.opts.batchSize) void this.flush(table).catch(() => undefined);
  }

  /**
   * Writes rows now, past the buffer, and resolves once every one of them is stored: for the
   * poller, which moves a feed's watermark only over stored rows. The same scope check,
   * retries, isolation of refused rows and counts as buffered rows. It rejects
   * (RowsNotStoredError) when a row was refused or is still unwritten after the retries: the
   * good rows of the batch are stored all the same, and the caller, keeping its place, writes
   * the batch again later, where ReplacingMergeTree collapses what was stored twice. The rows
   * go to the engine as given, not copied: a poller page is up to 20,000 of them.
   */
  async store(table: string, rows: readonly Row[]): Promise<void> {
    if (this.closed) throw new Error(`writer is closed; ${rows.length} rows for ${table} refused`);
    checkRows(table, rows);
    if (rows.length === 0) return;
    return this.storeNow(table, { rows });
  }

  /**
   * store() for rows already serialised (the spool's frames, JSON arrays in order): the engine
   * takes those bytes, and they are parsed back into rows only to split a batch ClickHouse
   * refused for a row's content. Only code acting for the system writes them (TelemetryDb.insertJson).
   */
  async storeJson(table: string, encoded: readonly JsonRows[]): Promise<void> {
    let rows = 0;
    for (const e of encoded) rows += e.rows;
    if (this.closed) throw new Error(`writer is closed; ${rows} rows for ${table} refused`);
    checkJsonScope(table);
    if (rows === 0) return;
    // The spool's frames: a batch refused whole stays in the spool, tried again every few seconds, so it is no failure until dropped.
    return this.storeNow(table, { encoded, rows }, true);
  }

  private async storeNow(table: string, payload: Payload, heldByCaller = false): Promise<void> {
    const rows = countOf(payload);
    const writing = this.writeWithRetry(table, payload);
    this.storing.add(writing);
    let outcome: Outcome;
    try {
      outcome = await writing;
    } finally {
      this.storing.delete(writing);
    }
    this.settle(table, outcome, 'the write fails, and its caller tries them again later', heldByCaller);
    if (outcome.unwritten > 0 || outcome.rejected > 0) throw new RowsNotStoredError(table, rows, outcome.rejected, outcome.unwritten, outcome.reason, outcome.rejected - outcome.refusedWhole);
  }

  buffered(table?: string): number {
    if (table) return this.buffers.get(table)?.length ?? 0;
    let n = 0;
    for (const b of this.buffers.values()) n += b.length;
    return n;
  }

  /** Writes what is buffered now (one table or all); resolves when those rows are settled. */
  async flush(table?: string): Promise<void> {
    const tables = table ? [table] : [...this.buffers.keys()];
    await Promise.all(tables.map((t) => this.flushTable(t)));
  }

  /** Stops the timer and writes everything still buffered. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.storing]);
    await this.flush();
    const left = this.buffered();
    if (left > 0) this.log.error({ rows: left }, 'telemetry rows could not be written before shutdown');
  }

  private flushTable(table: string): Promise<void> {
    // One flush per table at a time keeps batches in order; a caller arriving mid-flush waits for it, then flushes again.
    return this.flushes.take(table, () => this.drain(table));
  }

  private async drain(table: string): Promise<void> {
    const buffer = this.buffers.get(table);
    while (buffer && buffer.length > 0) {
      const batch = buffer.splice(0, this.opts.batchSize);
      this.report(table);
      const outcome = await this.writeWithRetry(table, { rows: batch });
      this.settle(table, outcome, 'dropped');
      const { left } = outcome;
      if (left.length > 0) {
        buffer.unshift(...left);
        this.report(table);
        return;
      }
    }
  }

  /** Writes a batch, retrying transient failures, isolating rows the server refuses. */
  private async writeWithRetry(table: string, batch: Payload): Promise<Outcome> {
    const rows = countOf(batch);
    for (let attempt = 0; ; attempt++) {
      try {
        await (batch.encoded ? this.db.insertJson(table, batch.encoded) : this.db.insert(table, batch.rows));
        this.metrics.collectorWriteRows.add(rows, { store: 'clickhouse', table, result: 'success' });
        return { left: [], unwritten: 0, rejected: 0, refusedWhole: 0 };
      } catch (err) {
        if (isRowDataError(err)) return this.isolateRejected(table, batch.encoded ? rowsOf(batch.encoded) : batch.rows, err);
        if (!isTransientWriteError(err)) return { left: [], unwritten: 0, rejected: rows, refusedWhole: rows, reason: (err as Error).message };
        if (attempt >= this.opts.maxRetries) {
          this.log.warn({ table, rows, err: (err as Error).message }, 'ClickHouse write failed after its retries; the rows are tried again later');
          return { left: batch.encoded ? [] : batch.rows, unwritten: rows, rejected: 0, refusedWhole: 0, reason: (err as Error).message };
        }
        this.metrics.collectorWriteRetries.add(1, { store: 'clickhouse', table });
        await sleep((this.opts.retryBaseMs ?? 200) * 2 ** attempt);
      }
    }
  }

  private async isolateRejected(table: string, batch: readonly Row[], err: unknown): Promise<Outcome> {
    if (batch.length === 1) return { left: [], unwritten: 0, rejected: 1, refusedWhole: 0, reason: (err as Error).message };
    const mid = Math.ceil(batch.length / 2);
    const a = await this.writeWithRetry(table, { rows: batch.slice(0, mid) });
    const b = await this.writeWithRetry(table, { rows: batch.slice(mid) });
    return {
      left: a.left.length === 0 ? b.left : [...a.left, ...b.left],
      unwritten: a.unwritten + b.unwritten,
      rejected: a.rejected + b.rejected,
      refusedWhole: a.refusedWhole + b.refusedWhole,
      reason: a.reason ?? b.reason,
    };
  }

  /**
   * Counts and reports (once per batch, not per row) the rows the server refused. A batch refused
   * whole (a missing table, a permission) that the spool holds is no failure yet: counted so, its
   * retries counted the same rows again every few seconds. Rows refused for their content, the
   * poller's refused page (its feed stops there, counted on every try) and whatever this writer drops are.
   */
  private settle(table: string, outcome: Outcome, fate: string, heldByCaller = false): void {
    if (outcome.rejected === 0) return;
    const failed = heldByCaller ? outcome.rejected - outcome.refusedWhole : outcome.rejected;
    if (failed > 0) this.metrics.collectorWriteRows.add(failed, { store: 'clickhouse', table, result: 'failure' });
    const why = outcome.refusedWhole === 0 ? 'for their content' : outcome.refusedWhole === outcome.rejected ? 'with their batch' : 'for their content or with their batch';
    this.log.error({ table, rows: outcome.rejected, err: outcome.reason }, `ClickHouse rejected ${outcome.rejected} row(s) ${why}; ${fate}`);
  }

  private trim(table: string, buffer: Row[]): void {
    const max = this.opts.maxBufferedRows ?? this.opts.batchSize * 100;
    if (buffer.length <= max) return;
    const dropped = buffer.splice(0, buffer.length - max);
    this.metrics.collectorWriteRows.add(dropped.length, { store: 'clickhouse', table, result: 'failure' });
    this.log.error({ table, rows: dropped.length }, 'write buffer full while ClickHouse is unavailable; oldest rows dropped');
  }

  private report(table: string): void {
    this.metrics.collectorWriteBuffered.set(this.buffered(table), { store: 'clickhouse', table });
  }
}

const countOf = (p: Payload): number => (p.encoded ? p.rows : p.rows.length);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
