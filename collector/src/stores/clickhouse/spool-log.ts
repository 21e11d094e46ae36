import { constants } from 'node:fs';
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  listSegments,
  readCheckpoint,
  readFrames,
  removeFile,
  salvageSegment,
  scanSegment,
  segmentName,
  syncDir,
  writeCheckpoint,
  frameJson,
} from './spool-segments';
import type { JsonRows } from './client';

export type Position = { seq: number; offset: number };

interface Segment {
  seq: number;
  path: string;
  /** End of the whole frames in it: what is durable and may be drained. */
  end: number;
  /** Its size on disk, a torn tail included. */
  fileBytes: number;
}

/**
 * A frame written by this process, kept so the drainer need not read it back: its payload only,
 * the rows serialised as the engine takes them. No row object outlives its append(): a row
 * kept until the drainer stores it would be old enough for the garbage collector to move it to
 * the old generation, and collecting that is what a stream of requests spent its time on.
 */
interface Cached {
  seq: number;
  offset: number;
  end: number;
  rows: number;
  json: Buffer;
}

interface Group {
  frames: Buffer[];
  /** Rows of each frame. */
  rows: number[];
  bytes: number;
  waiters: { resolve(): void; reject(err: Error): void }[];
}

export interface Batch {
  rows: number;
  /** The rows as their frames' JSON, in order. */
  encoded: JsonRows[];
  bytes: number;
  end: Position;
}

/**
 * Recent frames held in memory for the drainer, in batches: enough for a drainer that keeps up
 * never to read back what it stores; a backlog beyond is read back from disk.
 */
const CACHE_BATCHES = 2;
/** A group this large is written at once, without waiting out the linger. */
const GROUP_BYTES = 1 << 20;
/**
 * The active segment is opened O_DSYNC where the platform has it: a write returns once its data
 * is on disk, as write + fdatasync would, in one trip to libuv's thread pool instead of two. Under
 * load each trip's completion waits its turn on the event loop: at 10,000 spans/s, one trip and no
 * linger timer took a request's p50 from 8-9 to 5-6 ms (README, bench:ingest). Elsewhere: fdatasync.
 */
const DSYNC: number | undefined = constants.O_DSYNC;

/**
 * The spool's files and its place in them: segments appended to with group commit, read from
 * the head on, deleted once drained, and the checkpoint. The writer (group commits) and the
 * drainer (reads, advances) run concurrently; what both touch is updated between awaits.
 */
export class SpoolLog {
  private segments: Segment[] = [];
  private active!: Segment;
  private activeFh!: FileHandle;
  /** The first frame not yet stored. */
  private head: Position = { seq: 0, offset: 0 };
  private headFh: { seq: number; fh: FileHandle } | null = null;
  private cache: Cached[] = [];
  /** Entries that ever left the front of `cache`: an index into it survives a trim made while the drainer reads. */
  private cacheBase = 0;
  private cachedRows = 0;
  private pending: Group = emptyGroup();
  private inFlightBytes = 0;
  private writing: Promise<void> | null = null;
  private linger: { cancel(): void } | null = null;
  private readonly segmentBytes: number;
  /** Group writes so far: a drainer that found nothing does not sleep through one that landed meanwhile. */
  written = 0;
  diskBytes = 0;
  backlogBytes = 0;
  backlogRows = 0;
  /** Called after every group write. */
  onWritten: () => void = () => undefined;

  constructor(
    private readonly dir: string,
    private readonly table: string,
    private readonly log: Logger,
    maxBytes: number,
    private readonly lingerMs: number,
    private readonly batchRows: number,
  ) {
    // A drained segment is deleted whole: small ones keep the drained part of the disk small.
    this.segmentBytes = Math.min(64 << 20, Math.max(1024, Math.floor(maxBytes / 16)));
  }

  /** Bytes on disk and promised to the groups not yet written: what the size bound is checked against. */
  reserved(): number {
    return this.diskBytes + this.inFlightBytes + this.pending.bytes;
  }

  async recover(): Promise<void> {
    const { dir, table, log } = this;
    const checkpoint = await readCheckpoint(dir, table);
    const seqs = await listSegments(dir, table);
    for (const seq of seqs) {
      const path = join(dir, segmentName(table, seq));
      if (checkpoint && seq < checkpoint.segment) {
        await removeFile(path);
        continue;
      }
      let scan = await scanSegment(path, checkpoint && seq === checkpoint.segment ? checkpoint.offset : 0);
      if (scan.validEnd < scan.fileBytes) {
        const salvaged = await salvageSegment(path, scan);
        if (salvaged.frames > 0) {
          // The file now starts at its first unstored frame: the checkpoint must say so before anything reads it again.
          await syncDir(dir);
          if (checkpoint && seq === checkpoint.segment) await writeCheckpoint(dir, table, { segment: seq, offset: 0 });
          log.warn({ table, segment: path, salvagedFrames: salvaged.frames, salvagedRows: salvaged.rows, skippedBytes: salvaged.skippedBytes }, 'spool segment holds a garbled record (the disk?); the whole records after it are recovered, the garbled one skipped');
          scan = await scanSegment(path, 0);
        } else {
          log.warn({ table, segment: path, validBytes: scan.validEnd, skippedBytes: scan.fileBytes - scan.validEnd }, 'spool segment ends in a torn or garbled record (a crash mid-write?); the rows before it are recovered, the rest skipped');
        }
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
    await this.startSegment(Math.max(seqs[seqs.length - 1] ?? 0, checkpoint?.segment ?? 0) + 1);
    if (this.segments.length === 1) this.head = { seq: this.active.seq, offset: 0 };
  }

  /** Resolves once the frame is on disk (written O_DSYNC, or written and fdatasynced), with whichever frames joined its group. */
  append(frame: Buffer, rows: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const group = this.pending;
      group.frames.push(frame);
      group.rows.push(rows);
      group.bytes += frame.length;
      group.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  /** Writes every frame appended so far. */
  async flush(): Promise<void> {
    this.linger?.cancel();
    this.linger = null;
    while (this.writing || this.pending.frames.length > 0) await (this.writing ?? this.commit());
  }

  async close(): Promise<void> {
    await this.flush();
    this.linger?.cancel();
    await this.checkpoint();
    await this.headFh?.fh.close().catch(() => undefined);
    await this.activeFh.close().catch(() => undefined);
  }

  /**
   * The first frame of a group waits `lingerMs` for others (0: the rest of this turn of the
   * event loop, so the requests read together are written together, without a timer's delay);
   * frames that come in while a group is being written go out together right after it.
   */
  private schedule(): void {
    if (this.writing || this.linger) return;
    if (this.pending.bytes >= GROUP_BYTES) {
      void this.commit();
      return;
    }
    const go = () => {
      this.linger = null;
      void this.commit();
    };
    if (this.lingerMs > 0) {
      const t = setTimeout(go, this.lingerMs);
      this.linger = { cancel: () => clearTimeout(t) };
    } else {
      const t = setImmediate(go);
      this.linger = { cancel: () => clearImmediate(t) };
    }
  }

  /** Writes the pending group with one durable write, then the group gathered meanwhile. */
  private commit(): Promise<void> {
    if (this.writing) return this.writing;
    const group = this.pending;
    this.pending = emptyGroup();
    this.inFlightBytes = group.bytes;
    this.writing = this.writeGroup(group).finally(() => {
      this.writing = null;
      this.inFlightBytes = 0;
      // The frames that came in during the write have waited long enough: they go at once, together.
      if (this.pending.frames.length > 0 && !this.linger) void this.commit();
    });
    return this.writing;
  }

  private async writeGroup(group: Group): Promise<void> {
    if (group.frames.length === 0) return;
    try {
      if (this.active.end >= this.segmentBytes) await this.rotate();
      const start = this.active.end;
      try {
        await writeAll(this.activeFh, group.frames, start);
        if (DSYNC === undefined) await this.activeFh.datasync();
      } catch (err) {
        // Not durable, so not acknowledged: cut the frames off again rather than leave them to be replayed unasked.
        await this.activeFh.truncate(start).catch(() => undefined);
        throw err;
      }
      let at = start;
      for (let i = 0; i < group.frames.length; i++) {
        const end = at + group.frames[i]!.length;
        const frame = group.frames[i]!;
        this.cache.push({ seq: this.active.seq, offset: at, end, rows: group.rows[i]!, json: frameJson(frame, 0, frame.length) });
        this.cachedRows += group.rows[i]!;
        this.backlogRows += group.rows[i]!;
        at = end;
      }
      while (this.cachedRows > this.batchRows * CACHE_BATCHES && this.cache.length > 0) this.dropCached();
      this.active.end = at;
      this.active.fileBytes = at;
      this.diskBytes += group.bytes;
      this.backlogBytes += group.bytes;
      this.written++;
      for (const w of group.waiters) w.resolve();
      this.onWritten();
    } catch (err) {
      this.log.error({ table: this.table, rows: group.rows.reduce((n, r) => n + r, 0), err: (err as Error).message }, 'spool write failed; the rows were not accepted');
      // Whatever a failed write left in the file lies past `end`, never read; a fresh segment keeps later frames clear of it.
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
    const path = join(this.dir, segmentName(this.table, seq));
    // Made again if it went (an operator's cleanup): the spool goes on rather than refusing every write until a restart.
    await mkdir(this.dir, { recursive: true });
    this.activeFh = await open(path, DSYNC === undefined ? 'w' : constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | DSYNC);
    this.active = { seq, path, end: 0, fileBytes: 0 };
    this.segments.push(this.active);
    await syncDir(this.dir);
  }

  private dropCached(): void {
    this.cachedRows -= this.cache.shift()!.rows;
    this.cacheBase++;
  }

  /** The rows from the head on, up to `maxRows`: from memory when this process wrote them, else from disk. */
  async read(maxRows: number): Promise<Batch | null> {
    let rows = 0;
    const encoded: JsonRows[] = [];
    let bytes = 0;
    let pos = { ...this.head };
    let at = this.cacheBase;
    for (const seg of this.segments.slice()) {
      if (seg.seq < pos.seq) continue;
      if (seg.seq > pos.seq) pos = { seq: seg.seq, offset: 0 };
      while (pos.offset < seg.end && rows < maxRows) {
        let i = Math.max(0, at - this.cacheBase);
        while (i < this.cache.length && before(this.cache[i]!, pos)) i++;
        at = this.cacheBase + i;
        const c = this.cache[i];
        if (c && c.seq === pos.seq && c.offset === pos.offset) {
          rows += c.rows;
          encoded.push({ json: c.json, rows: c.rows });
          bytes += c.end - c.offset;
          pos = { seq: seg.seq, offset: c.end };
          continue;
        }
        const got = await readFrames(await this.reader(seg), pos.offset, c && c.seq === seg.seq ? c.offset : seg.end, maxRows - rows);
        if (got.encoded.length === 0) break;
        for (const e of got.encoded) {
          encoded.push(e);
          rows += e.rows;
        }
        bytes += got.end - pos.offset;
        pos = { seq: seg.seq, offset: got.end };
      }
      if (rows >= maxRows) break;
    }
    return rows === 0 ? null : { rows, encoded, bytes, end: pos };
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

  /** Moves the head past a batch now stored, and deletes the segments left behind it. */
  async advance(batch: Batch): Promise<void> {
    this.head = batch.end;
    this.backlogRows -= batch.rows;
    this.backlogBytes -= batch.bytes;
    while (this.cache.length > 0 && before(this.cache[0]!, batch.end)) this.dropCached();
    // The room is counted free at once, with the backlog; a crash before the checkpoint lands only means a replay.
    const collecting = this.collect();
    await this.checkpoint();
    await collecting;
  }

  private checkpoint(): Promise<void> {
    return writeCheckpoint(this.dir, this.table, { segment: this.head.seq, offset: this.head.offset }).catch((err: Error) =>
      this.log.warn({ table: this.table, err: err.message }, 'spool checkpoint not written; a restart stores again rows that were stored'),
    );
  }

  /** Deletes the segments whose every row is stored, all but the one being written; bookkeeping before any await. */
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
}

const emptyGroup = (): Group => ({ frames: [], rows: [], bytes: 0, waiters: [] });

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
