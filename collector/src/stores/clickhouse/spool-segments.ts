import { open, readdir, rename, unlink, writeFile, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { JsonRows } from './client';

/**
 * The spool's files. A segment is a run of frames, each one append() call's rows:
 *
 *   magic u32 | payload bytes u32 | rows u32 | crc32(payload) u32 | payload (the rows as one JSON array, UTF-8)
 *
 * all little-endian. The row count in the header lets recovery count the backlog without
 * parsing it; the checksum tells a frame a crash tore (or a disk garbled) from a whole one.
 * Segments are named by a sequence number, so the order in which they are drained is the order
 * they were written in; the checkpoint names the first frame not yet stored.
 */
export const FRAME_MAGIC = 0x314c5053; // "SPL1"
export const HEADER_BYTES = 16;
/** A frame larger than this is a garbled header, not a frame this code wrote. */
const MAX_FRAME_BYTES = 1 << 30;

export type Row = Record<string, unknown>;

export function encodeFrame(rows: readonly Row[]): Buffer {
  const json = JSON.stringify(rows);
  const len = Buffer.byteLength(json);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + len);
  frame.write(json, HEADER_BYTES, 'utf8');
  frame.writeUInt32LE(FRAME_MAGIC, 0);
  frame.writeUInt32LE(len, 4);
  frame.writeUInt32LE(rows.length, 8);
  frame.writeUInt32LE(crc32(frame.subarray(HEADER_BYTES)), 12);
  return frame;
}

export interface FrameRef {
  offset: number;
  end: number;
  rows: number;
}

/**
 * Frames in `buf` (read from `base` in the file) from its start: the complete ones, where
 * the first bad one starts (if any: a checksum, magic or length that cannot be right), and
 * the bytes a frame that runs past the buffer needs (to read it whole).
 */
export function parseFrames(buf: Buffer, base: number, verify: boolean): { frames: FrameRef[]; bad: number | null; need: number } {
  const frames: FrameRef[] = [];
  let at = 0;
  while (at + HEADER_BYTES <= buf.length) {
    const len = buf.readUInt32LE(at + 4);
    if (buf.readUInt32LE(at) !== FRAME_MAGIC || len > MAX_FRAME_BYTES) return { frames, bad: base + at, need: 0 };
    if (at + HEADER_BYTES + len > buf.length) return { frames, bad: null, need: HEADER_BYTES + len };
    if (verify && crc32(buf.subarray(at + HEADER_BYTES, at + HEADER_BYTES + len)) !== buf.readUInt32LE(at + 12)) return { frames, bad: base + at, need: 0 };
    frames.push({ offset: base + at, end: base + at + HEADER_BYTES + len, rows: buf.readUInt32LE(at + 8) });
    at += HEADER_BYTES + len;
  }
  return { frames, bad: null, need: at < buf.length ? HEADER_BYTES : 0 };
}

/** A frame's payload as it is on disk: its rows as one JSON array, what the engine takes as is. */
export const frameJson = (buf: Buffer, at: number, end: number): Buffer => buf.subarray(at + HEADER_BYTES, end);

const READ_CHUNK = 8 << 20;

/** Reads `[from, to)` of a file in large chunks, handing each run of whole frames to `onChunk`. */
export async function readFramesIn(
  fh: FileHandle,
  from: number,
  to: number,
  verify: boolean,
  onChunk: (buf: Buffer, frames: FrameRef[], base: number) => void,
  done: () => boolean = () => false,
): Promise<{ end: number; bad: number | null }> {
  let at = from;
  let want = READ_CHUNK;
  while (at < to && !done()) {
    const size = Math.min(Math.max(want, READ_CHUNK), to - at);
    const buf = Buffer.allocUnsafe(size);
    const { bytesRead } = await fh.read(buf, 0, size, at);
    const got = buf.subarray(0, bytesRead);
    const { frames, bad, need } = parseFrames(got, at, verify);
    if (frames.length > 0) onChunk(got, frames, at);
    if (bad !== null) return { end: bad, bad };
    const last = frames.length > 0 ? frames[frames.length - 1]!.end : at;
    if (frames.length === 0 && (need === 0 || at + need > to || bytesRead < size)) return { end: at, bad: at };
    want = frames.length === 0 ? need : READ_CHUNK;
    at = last;
  }
  return { end: at, bad: null };
}

/**
 * Whole frames from `from` (a frame boundary) up to `to` (the durable end), stopping once
 * `maxRows` are in hand: the drainer's read of a backlog that is no longer in memory. The
 * payloads go to the engine as they are; nothing is parsed.
 */
export async function readFrames(fh: FileHandle, from: number, to: number, maxRows: number): Promise<{ encoded: JsonRows[]; end: number }> {
  const encoded: JsonRows[] = [];
  let want = 0;
  let at = from;
  await readFramesIn(fh, from, to, false, (buf, refs, base) => {
    for (const f of refs) {
      if (want >= maxRows || f.offset !== at) return;
      encoded.push({ json: frameJson(buf, f.offset - base, f.end - base), rows: f.rows });
      want += f.rows;
      at = f.end;
    }
  }, () => want >= maxRows);
  return { encoded, end: at };
}

export interface SegmentScan {
  /** Bytes of whole frames from the start of the file; anything after is a torn or garbled tail. */
  validEnd: number;
  fileBytes: number;
  /** Rows (and their bytes) in frames at or after `from`. */
  rows: number;
  bytes: number;
  /** The first frame boundary at or after `from` (a checkpoint that is not one moves up to it). */
  start: number;
}

/**
 * Checks the frames of a segment at start-up from `from` (the checkpoint, a frame boundary),
 * counting what is left to drain. The frames before it are stored already and are not read: a
 * byte a disk garbled there once cost every unstored frame after it. A `from` that is no frame
 * boundary (a checkpoint from elsewhere) is read from the segment's start instead, as before.
 */
export async function scanSegment(path: string, from: number): Promise<SegmentScan> {
  const fh = await open(path, 'r');
  try {
    const fileBytes = (await fh.stat()).size;
    const scan = async (at: number) => {
      let rows = 0;
      let bytes = 0;
      let start = -1;
      const { end } = await readFramesIn(fh, at, fileBytes, true, (_buf, frames) => {
        for (const f of frames) {
          if (f.offset < from) continue;
          if (start < 0) start = f.offset;
          rows += f.rows;
          bytes += f.end - f.offset;
        }
      });
      return { validEnd: end, fileBytes, rows, bytes, start: start < 0 ? end : start };
    };
    if (from > 0 && from < fileBytes) {
      const tail = await scan(from);
      if (tail.rows > 0 || tail.validEnd === fileBytes) return tail;
    }
    return from >= fileBytes && from > 0 ? { validEnd: from, fileBytes, rows: 0, bytes: 0, start: from } : await scan(0);
  } finally {
    await fh.close();
  }
}

const MAGIC_BYTES = Buffer.alloc(4);
MAGIC_BYTES.writeUInt32LE(FRAME_MAGIC, 0);

/**
 * A segment whose frames stop at a garbled one before its end (a disk's bit rot, not a crash's
 * torn tail): the whole frames after it, found again by their magic, length and checksum, are
 * written with the unstored ones before it into the segment's place (a new file, synced, renamed
 * over it). Only the garbled frames' rows are lost. Answers how many frames came back, 0 when
 * none did (a torn tail: the file is left as it is).
 */
export async function salvageSegment(path: string, scan: SegmentScan): Promise<{ frames: number; rows: number; skippedBytes: number }> {
  const buf = await readFile(path);
  const found: FrameRef[] = [];
  for (let at = buf.indexOf(MAGIC_BYTES, scan.validEnd + 1); at >= 0 && at + HEADER_BYTES <= buf.length; ) {
    const len = buf.readUInt32LE(at + 4);
    const end = at + HEADER_BYTES + len;
    if (len <= MAX_FRAME_BYTES && end <= buf.length && crc32(buf.subarray(at + HEADER_BYTES, end)) === buf.readUInt32LE(at + 12)) {
      found.push({ offset: at, end, rows: buf.readUInt32LE(at + 8) });
      at = buf.indexOf(MAGIC_BYTES, end);
    } else at = buf.indexOf(MAGIC_BYTES, at + 1);
  }
  if (found.length === 0) return { frames: 0, rows: 0, skippedBytes: 0 };
  const kept = [buf.subarray(scan.start, scan.validEnd), ...found.map((f) => buf.subarray(f.offset, f.end))];
  const tmp = `${path}.salvage`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writev(kept);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  const keptBytes = kept.reduce((n, b) => n + b.length, 0);
  return { frames: found.length, rows: found.reduce((n, f) => n + f.rows, 0), skippedBytes: buf.length - scan.start - keptBytes };
}

export const segmentName = (table: string, seq: number) => `${table}-${String(seq).padStart(12, '0')}.spool`;

/** The sequence numbers of a table's segments in `dir`, oldest first. */
export async function listSegments(dir: string, table: string): Promise<number[]> {
  const re = new RegExp(`^${table}-(\\d{12})\\.spool$`);
  const seqs: number[] = [];
  for (const name of await readdir(dir)) {
    const m = re.exec(name);
    if (m) seqs.push(Number(m[1]));
  }
  return seqs.sort((a, b) => a - b);
}

export interface Checkpoint {
  segment: number;
  offset: number;
}

/**
 * Where draining resumes. Not fsynced: losing the latest one only means frames stored once
 * already are stored again, which ReplacingMergeTree collapses.
 */
export async function readCheckpoint(dir: string, table: string): Promise<Checkpoint | null> {
  try {
    const c = JSON.parse(await readFile(join(dir, `${table}.checkpoint`), 'utf8')) as Partial<Checkpoint>;
    return Number.isSafeInteger(c.segment) && Number.isSafeInteger(c.offset) && c.offset! >= 0 ? { segment: c.segment!, offset: c.offset! } : null;
  } catch {
    return null;
  }
}

export async function writeCheckpoint(dir: string, table: string, c: Checkpoint): Promise<void> {
  const path = join(dir, `${table}.checkpoint`);
  await writeFile(`${path}.tmp`, JSON.stringify(c));
  await rename(`${path}.tmp`, path);
}

/** Makes a file's creation (or removal) durable: its directory entry lives in the directory. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export const removeFile = (path: string) => unlink(path).catch((err: NodeJS.ErrnoException) => {
  if (err.code !== 'ENOENT') throw err;
});
