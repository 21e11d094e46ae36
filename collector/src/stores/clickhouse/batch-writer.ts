import type { Logger } from 'pino';
import type { Instruments } from '../../metrics/instruments.generated';
import type { TelemetryDb } from './client';
import { isTransientWriteError } from './errors';
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

/**
 * Buffers telemetry rows per table and writes them in batches: on size, on a timer and on
 * close. Transient failures are retried with backoff and, when retries run out, the rows
 * go back to the front of the buffer for the next flush. A batch the server rejects for
 * its content is split until the bad rows are isolated, so good rows still land.
 */
export class BatchWriter {
  private readonly buffers = new Map<string, Row[]>();
  private readonly flushes = new Turns();
  private readonly timer: NodeJS.Timeout;
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
      const left = await this.writeWithRetry(table, batch);
      if (left.length > 0) {
        buffer.unshift(...left);
        this.report(table);
        return;
      }
    }
  }

  /** Returns the rows still unwritten: a transient failure outlasted the retries. */
  private async writeWithRetry(table: string, batch: Row[]): Promise<Row[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.insert(table, batch);
        this.metrics.collectorWriteRows.add(batch.length, { store: 'clickhouse', table, result: 'success' });
        return [];
      } catch (err) {
        if (!isTransientWriteError(err)) return this.isolateRejected(table, batch, err);
        if (attempt >= this.opts.maxRetries) {
          this.log.warn({ table, rows: batch.length, err: (err as Error).message }, 'ClickHouse write failed after retries; rows kept for the next flush');
          return batch;
        }
        this.metrics.collectorWriteRetries.add(1, { store: 'clickhouse', table });
        await sleep((this.opts.retryBaseMs ?? 200) * 2 ** attempt);
      }
    }
  }

  private async isolateRejected(table: string, batch: Row[], err: unknown): Promise<Row[]> {
    if (batch.length === 1) {
      this.metrics.collectorWriteRows.add(1, { store: 'clickhouse', table, result: 'failure' });
      this.log.error({ table, err: (err as Error).message }, 'ClickHouse rejected a row; it is dropped');
      return [];
    }
    const mid = Math.ceil(batch.length / 2);
    const left = await this.writeWithRetry(table, batch.slice(0, mid));
    return [...left, ...(await this.writeWithRetry(table, batch.slice(mid)))];
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
