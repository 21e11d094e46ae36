import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Instruments } from '../../metrics/instruments.generated';
import { asSystem } from '../tenant-scope';
import { RowsNotStoredError, type BatchWriter } from './batch-writer';
import { checkRows } from './scope';
import {
  encodeFrame,
  listSegments,
  readCheckpoint,
  readRows,
  removeFile,
  scanSegment,
  segmentName,
  syncDir,
  writeCheckpoint,
  type Row,
} from './spool-segments';

export interface SpoolOptions {
  dir: string;
  table: string;
  maxBytes: number;
  writer: BatchWriter;
  log: Logger;
  metrics: Instruments;
  /** Most rows the drainer hands the writer in one store(). */
  batchRows?: number;
  /** How long the first append of a group waits for others to share its write and fdatasync. */
  lingerMs?: number;
  /** First wait after a failed store; doubles per failure, up to a minute. */
  retryMs?: number;
}

/** The spool cannot take the rows: the receivers answer 503 with this Retry-After. */
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

interface Segment {
  seq: number;
  path: string;
  /** End of the whole frames in it: what is durable and may be drained. */
  end: number;
  /** Its size on disk, a torn tail included. */
  fileBytes: number;
}

/** Rows of frames written in this process, kept so the drainer need not read and parse them back. */
interface Cached {
  seq: number;
  offset: number;
  end: number;
  rows: Row[];
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

const MAX_RETRY_MS = 60_000;
/** Rows of recent frames held in memory for the drainer; beyond, it reads them back from disk. */
const CACHE_BATCHES = 4;

/**
 * A write-ahead log in front of ClickHouse for rows that were promised to their sender
 * (README, "Durability of pushed telemetry"). append() groups concurrent callers into one write
 * and one fdatasync (group commit) on an append-only segment; one drainer stores the segments in
 * order through the batch writer, holding its place while ClickHouse refuses writes, and deletes a
 * segment once every row of it is stored. A replayed batch is stored again whole: the table's
 * ReplacingMergeTree collapses the copies, so at-least-once into the table is exactly-once as read
 * with FINAL.
 */
export async function openSpool(opts: SpoolOptions): Promise<Spool> {
  await mkdir(opts.dir, { recursive: true });
  const spool = new DiskSpool(opts);
  await spool.recover();
  return spool;
}

class DiskSpool implements Spool {
  private readonly batchRows: number;
  private readonly lingerMs: number;
  private readonly retryMs: number;
  private readonly segmentBytes: number;
  private segments: Segment[] = [];
  private active!: Segment;
  private activeFh!: FileHandle;
  /** The first frame not yet stored. */
  private head: Position = { seq: 0, offset: 0 };
  private headFh: { seq: number; fh: FileHandle } | null = null;
  private cache: Cached[] = [];
  /** How many entries have left the front of `cache` ever: positions in it survive a trim made while the drainer reads. */
  private cacheBase = 0;
  private cachedRows = 0;
  /** Counts group writes, so a drainer that found nothing does not sleep through one that landed meanwhile. */
  private written = 0;
  private diskBytes = 0;
  private backlogBytes = 0;
  private backlogRows = 0;
  /** Frames waiting for the next group write, and the bytes reserved for them. */
  private pending: { frames: Buffer[]; rows: Row[][]; bytes: number; waiters: Waiter[] } = emptyGroup();
  private inFlightBytes = 0;
  private writing: Promise<void> | null = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private drainer: Promise<void> = Promise.resolve();
  private closing: Promise<void> | null = null;
  private stopping = false;
  /** Bytes per second stored lately: what Retry-After is estimated from. */
  private drainRate = 0;

  constructor(private readonly opts: SpoolOptions) {
    this.batchRows = opts.batchRows ?? 20_000;
    this.lingerMs = opts.lingerMs ?? 2;
    this.retryMs = opts.retryMs ?? 1000;
    // A drained segment is deleted whole: small ones keep the drained part of the disk bound small.
    this.segmentBytes = Math.min(64 << 20, Math.max(1024, Math.floor(opts.maxBytes / 16)));
  }

  async recover(): Promise<void> {
    const { dir, table, log } = this.opts;
    const checkpoint = await readCheckpoint(dir, table);
    const seqs = await listSegments(dir, table);
    for (const seq of seqs) {
      const path = join(dir, segmentName(table, seq));
      if (checkpoint && seq < checkpoint.segment) {
        await removeFile(path);
        continue;
      }
      const from = checkpoint && seq === checkpoint.segment ? checkpoint.offset : 0;
      const scan = await scanSegment(path, from);
      if (scan.validEnd < scan.fileBytes) {
        log.warn({ table, segment: path, validBytes: scan.validEnd, skippedBytes: scan.fileBytes - scan.validEnd }, 'spool segment ends in a torn or garbled record (a crash mid-write?); the rows before it are recovered, the rest skipped');
      }
      if (scan.rows === 0) {
        await removeFile(path);
        continue;
      }
      if (this.segments.length === 0) this.head = { seq, offset: scan.start };
      this.segments.push({ seq, path, end: scan.validEnd, fileBytes: scan.fileBytes });
      this.diskBytes += scan.fileBytes;
      this.backlogBytes += scan.bytes;
      this.backlogRows += scan.rows;
    }
    if (this.backlogRows > 0) log.info({ table, rows: this.backlogRows, bytes: this.backlogBytes, segments: this.segments.length }, 'spool holds rows from before the restart; storing them first');
    const last = Math.max(seqs[seqs.length - 1] ?? 0, checkpoint?.segment ?? 0);
    await this.startSegment(last + 1);
    if (this.segments.length === 1) this.head = { seq: this.active.seq, offset: 0 };
    this.report();
    this.drainer = asSystem('spool replay: stored rows of every organisation, each checked when it was appended', () => this.drain());
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
    if (this.diskBytes + this.inFlightBytes + this.pending.bytes + frame.length > this.opts.maxBytes) {
      const retryAfterSeconds = this.retryAfter();
      return Promise.reject(
        new SpoolFullError(retryAfterSeconds, `the ${this.opts.table} spool is full (${this.diskBytes} of ${this.opts.maxBytes} bytes) while ClickHouse catches up; retry in ${retryAfterSeconds} s`),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const group = this.pending;
      group.frames.push(frame);
      group.rows.push(rows);
      group.bytes += frame.length;
      group.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  backlog(): { bytes: number; rows: number } {
    return { bytes: this.backlogBytes, rows: this.backlogRows };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    while (this.writing || this.pending.frames.length > 0) await (this.writing ?? this.commit());
    this.stopping = true;
    this.wake?.();
    await this.drainer;
    await writeCheckpoint(this.opts.dir, this.opts.table, { segment: this.head.seq, offset: this.head.offset }).catch(() => undefined);
    await this.headFh?.fh.close().catch(() => undefined);
    await this.activeFh.close().catch(() => undefined);
    if (this.backlogRows > 0) this.opts.log.warn({ table: this.opts.table, rows: this.backlogRows, bytes: this.backlogBytes }, 'spool closed with rows ClickHouse has not taken; they are stored after the next start');
  }

  // ---- group commit ----

  private schedule(): void {
    if (this.writing || this.lingerTimer) return;
    if (this.pending.bytes >= 1 << 20) {
      void this.commit();
      return;
    }
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null;
      void this.commit();
    }, this.lingerMs);
  }

  /** Writes the pending group with one write and one fdatasync, then the group gathered meanwhile. */
  private commit(): Promise<void> {
    if (this.writing) return this.writing;
    const group = this.pending;
    this.pending = emptyGroup();
    this.inFlightBytes = group.bytes;
    this.writing = this.writeGroup(group).finally(() => {
      this.writing = null;
      this.inFlightBytes = 0;
      if (this.pending.frames.length > 0) this.schedule();
    });
    return this.writing;
  }

  private async writeGroup(group: { frames: Buffer[]; rows: Row[][]; bytes: number; waiters: Waiter[] }): Promise<void> {
    if (group.frames.length === 0) return;
    try {
      if (this.active.end >= this.segmentBytes) await this.rotate();
      const start = this.active.end;
      await writeAll(this.activeFh, group.frames, start);
      try {
        await this.activeFh.datasync();
      } catch (err) {
        // Not durable, so not acknowledged: cut the frames off again rather than leave them to be replayed unasked.
        await this.activeFh.truncate(start).catch(() => undefined);
        throw err;
      }
      let at = start;
      for (let i = 0; i < group.frames.length; i++) {
        const end = at + group.frames[i]!.length;
        this.cache.push({ seq: this.active.seq, offset: at, end, rows: group.rows[i]! });
        this.cachedRows += group.rows[i]!.length;
        this.backlogRows += group.rows[i]!.length;
        at = end;
      }
      this.trimCache();
      this.active.end = at;
      this.active.fileBytes = at;
      this.diskBytes += group.bytes;
      this.backlogBytes += group.bytes;
      this.written++;
      this.report();
      for (const w of group.waiters) w.resolve();
      this.wake?.();
    } catch (err) {
      this.opts.log.error({ table: this.opts.table, rows: group.rows.reduce((n, r) => n + r.length, 0), err: (err as Error).message }, 'spool write failed; the rows were not accepted');
      // What a failed write left in the file is past `end`, never read; a fresh segment keeps later frames clear of it.
      await this.rotate().catch(() => undefined);
      for (const w of group.waiters) w.reject(err as Error);
    }
  }

  private async rotate(): Promise<void> {
    const old = this.active;
    const size = await stat(old.path).then((s) => s.size, () => old.end);
    this.diskBytes += size - old.fileBytes;
    old.fileBytes = size;
    await this.activeFh.close();
    await this.startSegment(old.seq + 1);
    await this.collect();
  }

  private async startSegment(seq: number): Promise<void> {
    const path = join(this.opts.dir, segmentName(this.opts.table, seq));
    this.activeFh = await open(path, 'w');
    this.active = { seq, path, end: 0, fileBytes: 0 };
    this.segments.push(this.active);
    await syncDir(this.opts.dir);
  }

  private trimCache(): void {
    while (this.cachedRows > this.batchRows * CACHE_BATCHES && this.cache.length > 0) this.dropCached();
  }

  private dropCached(): void {
    this.cachedRows -= this.cache.shift()!.rows.length;
    this.cacheBase++;
  }

  // ---- draining ----

  private async drain(): Promise<void> {
    let failures = 0;
    for (;;) {
      const seen = this.written;
      const batch = await this.nextBatch();
      if (!batch) {
        if (this.stopping) return;
        if (seen === this.written) await new Promise<void>((r) => (this.wake = r));
        this.wake = null;
        continue;
      }
      const began = Date.now();
      const outcome = await this.store(batch.rows);
      if (outcome === 'stored' || outcome === 'refused-some') {
        failures = 0;
        this.drainRate = 0.7 * this.drainRate + (0.3 * batch.bytes * 1000) / Math.max(1, Date.now() - began);
        await this.advance(batch.end, batch.rows.length, batch.bytes);
        continue;
      }
      this.drainRate /= 2;
      if (this.stopping) return;
      failures++;
      // A batch refused whole may hold only bad rows: tried again soon, with the rows appended since, which a working store takes.
      const wait = outcome === 'refused-all' ? this.retryMs : Math.min(MAX_RETRY_MS, this.retryMs * 2 ** (failures - 1));
      await new Promise<void>((r) => {
        const t = setTimeout(r, wait);
        t.unref();
        this.wake = () => {
          if (this.stopping) {
            clearTimeout(t);
            r();
          }
        };
      });
      this.wake = null;
    }
  }

  private async store(rows: Row[]): Promise<'stored' | 'refused-some' | 'refused-all' | 'unwritten'> {
    const { writer, table, log } = this.opts;
    try {
      await writer.store(table, rows);
      return 'stored';
    } catch (err) {
      if (err instanceof RowsNotStoredError && err.unwritten === 0 && err.rejected < rows.length) {
        // The writer counted and logged them; holding them would hold every row behind them.
        log.warn({ table, rows: err.rejected }, 'spool: rows ClickHouse refused for their content are skipped');
        return 'refused-some';
      }
      if (err instanceof RowsNotStoredError && err.unwritten === 0) {
        log.error({ table, rows: rows.length, err: err.message }, 'spool: ClickHouse refused a whole batch; it stays spooled and is tried again');
        return 'refused-all';
      }
      log.warn({ table, rows: rows.length, backlogRows: this.backlogRows, err: (err as Error).message }, 'spool: ClickHouse is not taking writes; the rows stay spooled and are tried again');
      return 'unwritten';
    }
  }

  /** The rows from the head on, up to batchRows: from memory when this process wrote them, else from disk. */
  private async nextBatch(): Promise<{ rows: Row[]; bytes: number; end: Position } | null> {
    const rows: Row[] = [];
    let bytes = 0;
    let pos = { ...this.head };
    let at = this.cacheBase;
    for (const seg of this.segments.slice()) {
      if (seg.seq < pos.seq) continue;
      if (seg.seq > pos.seq) pos = { seq: seg.seq, offset: 0 };
      while (pos.offset < seg.end && rows.length < this.batchRows) {
        let i = Math.max(0, at - this.cacheBase);
        while (i < this.cache.length && before(this.cache[i]!, pos)) i++;
        at = this.cacheBase + i;
        const c = this.cache[i];
        if (c && c.seq === pos.seq && c.offset === pos.offset) {
          for (const r of c.rows) rows.push(r);
          bytes += c.end - c.offset;
          pos = { seq: seg.seq, offset: c.end };
          continue;
        }
        const got = await readRows(await this.reader(seg), pos.offset, c && c.seq === seg.seq ? c.offset : seg.end, this.batchRows - rows.length);
        if (got.frames === 0) break;
        for (const r of got.rows) rows.push(r);
        bytes += got.end - pos.offset;
        pos = { seq: seg.seq, offset: got.end };
      }
      if (rows.length >= this.batchRows) break;
    }
    return rows.length === 0 ? null : { rows, bytes, end: pos };
  }

  private async reader(seg: Segment): Promise<FileHandle> {
    if (this.headFh?.seq === seg.seq) return this.headFh.fh;
    const old = this.headFh;
    this.headFh = null;
    await old?.fh.close().catch(() => undefined);
    const fh = await open(seg.path, 'r');
    this.headFh = { seq: seg.seq, fh };
    return fh;
  }

  private async advance(to: Position, rows: number, bytes: number): Promise<void> {
    this.head = to;
    this.backlogRows -= rows;
    this.backlogBytes -= bytes;
    while (this.cache.length > 0 && before(this.cache[0]!, to)) this.dropCached();
    await writeCheckpoint(this.opts.dir, this.opts.table, { segment: to.seq, offset: to.offset }).catch((err: Error) => this.opts.log.warn({ table: this.opts.table, err: err.message }, 'spool checkpoint not written; a restart replays more than it needs to'));
    await this.collect();
    this.report();
  }

  /**
   * Deletes the segments whose every row is stored, all but the one being written. The writer
   * (rotating) and the drainer (advancing) both call it: the bookkeeping is done before any await.
   */
  private async collect(): Promise<void> {
    const gone: Segment[] = [];
    const closing: FileHandle[] = [];
    while (this.segments.length > 1) {
      const first = this.segments[0]!;
      if (first === this.active || first.seq > this.head.seq || (first.seq === this.head.seq && this.head.offset < first.end)) break;
      if (this.headFh?.seq === first.seq) {
        closing.push(this.headFh.fh);
        this.headFh = null;
      }
      this.segments.shift();
      this.diskBytes -= first.fileBytes;
      if (this.head.seq <= first.seq) this.head = { seq: this.segments[0]!.seq, offset: 0 };
      gone.push(first);
    }
    for (const fh of closing) await fh.close().catch(() => undefined);
    for (const seg of gone) await removeFile(seg.path);
  }

  private retryAfter(): number {
    // Long enough for the drainer, at its recent pace, to free the room a sender needs; a stalled one reads as a minute when full.
    const rate = Math.max(this.drainRate, this.opts.maxBytes / 60);
    return Math.min(60, Math.max(1, Math.ceil(this.backlogBytes / rate)));
  }

  private report(): void {
    // SPOOL-BYTES-GAUGE: set ai_arm.collector.spool.bytes ({ table }) to this.diskBytes once instruments.generated.ts has collectorSpoolBytes.
  }
}

type Position = { seq: number; offset: number };

const emptyGroup = () => ({ frames: [] as Buffer[], rows: [] as Row[][], bytes: 0, waiters: [] as Waiter[] });

const before = (c: Cached, pos: Position) => c.seq < pos.seq || (c.seq === pos.seq && c.offset < pos.offset);

async function writeAll(fh: FileHandle, frames: Buffer[], position: number): Promise<void> {
  let bufs = frames;
  let at = position;
  while (bufs.length > 0) {
    const { bytesWritten } = await fh.writev(bufs, at);
    at += bytesWritten;
    let left = bytesWritten;
    let i = 0;
    while (i < bufs.length && left >= bufs[i]!.length) left -= bufs[i++]!.length;
    bufs = bufs.slice(i);
    if (left > 0) bufs[0] = bufs[0]!.subarray(left);
  }
}
