import { isUtf8 } from 'node:buffer';
import { nanosToMs, OtlpDecodeError, uniqueValueKey, wantedKey, type AttrValue, type Attrs, type OtlpEvent, type OtlpGroup, type OtlpLogRecord, type OtlpSpan } from './model';

/**
 * A reader of just the OTLP protobuf fields the GenAI mapping needs (field numbers from
 * opentelemetry-proto: collector/trace/v1/trace_service.proto, trace/v1/trace.proto,
 * logs/v1/logs.proto, common/v1/common.proto, resource/v1/resource.proto). Everything else is
 * skipped by wire type, as proto3 asks of unknown fields. One pass over the bytes, no copies:
 * strings and ids are read straight out of the request's buffer.
 */
/**
 * Bytes as UTF-8 text. Bytes that are not UTF-8 (Buffer would turn them into U+FFFD unsaid, and
 * an agent named "A\uFFFD\uFFFDB" would be registered) refuse the body, as proto3 requires of a
 * string field; the check runs only on text holding U+FFFD, so well-formed bodies pay a scan for it.
 */
function utf8(buf: Buffer, from: number, to: number): string {
  const s = buf.toString('utf8', from, to);
  if (s.includes('\uFFFD') && !isUtf8(buf.subarray(from, to))) throw new OtlpDecodeError(`protobuf body cannot be read: a string field is not UTF-8 at byte ${from}`);
  return s;
}

class Reader {
  pos = 0;
  /** Off while reading a value that is new every time (a message list): hashing it to find it again is waste. */
  internValues = true;
  constructor(readonly buf: Buffer) {}

  fail(why: string): never {
    throw new OtlpDecodeError(`protobuf body cannot be read: ${why} at byte ${this.pos}`);
  }

  varint(end: number): number {
    const buf = this.buf;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) this.fail('truncated varint');
      const b = buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** A field's tag: field 0, or a number past 2^29 - 1 (a tag past 32 bits), is no field protobuf has. */
  tag(end: number): number {
    const t = this.varint(end);
    if (t < 8 || t > 0xffffffff) this.fail(`invalid field tag ${t}`);
    return t;
  }

  /** An int64 varint, exact in its sign: negatives are ten bytes of two's complement, which a double cannot sum. */
  int64(end: number): number {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.pos >= end) this.fail('truncated varint');
      const b = buf[this.pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      if (b < 0x80) {
        lo >>>= 0;
        hi >>>= 0;
        if (hi < 0x80000000) return hi * 4294967296 + lo;
        const nlo = (~lo + 1) >>> 0;
        const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
        return -(nhi * 4294967296 + nlo);
      }
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** A length-delimited field's end, checked against its parent's end. */
  sub(end: number): number {
    const len = this.varint(end);
    const to = this.pos + len;
    if (to > end) this.fail(`field of ${len} bytes runs past the end of its message`);
    return to;
  }

  fixed64Ms(end: number): number {
    if (this.pos + 8 > end) this.fail('truncated fixed64');
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return nanosToMs(lo, hi);
  }

  string(end: number): string {
    const to = this.sub(end);
    const len = to - this.pos;
    if (this.internValues && len >= INTERN_MIN_VALUE && len <= INTERN_MAX_VALUE) {
      const s = values.get(this.buf, this.pos, to);
      this.pos = to;
      return s.text;
    }
    // Buffer's own decoder: measured faster than building short ASCII strings in JS, which leaves
    // ropes that every later startsWith and property insertion must flatten.
    const s = utf8(this.buf, this.pos, to);
    this.pos = to;
    return s;
  }

  hex(end: number): string {
    const to = this.sub(end);
    const s = this.buf.toString('hex', this.pos, to);
    this.pos = to;
    return s;
  }

  skip(wire: number, end: number): void {
    if (wire === 0) this.varint(end);
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.pos = this.sub(end);
    else if (wire === 5) this.pos += 4;
    else this.fail(`unsupported wire type ${wire}`);
    if (this.pos > end) this.fail('truncated field');
  }
}

interface Interned {
  bytes: Buffer;
  text: string;
  /** wantedKey(text), worked out once. */
  wanted: boolean;
  /** As a key, uniqueValueKey(text), worked out once. */
  unique: boolean;
}

/**
 * Strings seen before, found by their bytes: every span of an exporter repeats the same attribute
 * keys, and an agent's spans the same long values (its system instructions and tool definitions
 * as JSON text). A key found here costs no string at all (an unwanted one is skipped by its
 * bytes), and a repeated value comes back as the very string the GenAI mapping has already parsed
 * and memoised, so its memo lookup does not hash a kilobyte again. Bounded (a few MB of values at
 * most): full, it starts over.
 */
class Interner {
  private readonly table = new Map<number, Interned>();
  /** Hashes met once: what is met again is kept. */
  private readonly seen = new Set<number>();

  constructor(
    private readonly max: number,
    /** Bytes hashed: all of a key; of a long value, this many spread over it (the match is checked on every byte). */
    private readonly sample: number,
  ) {}

  get(buf: Buffer, from: number, to: number): Interned {
    const len = to - from;
    let h = len | 0;
    const step = len <= this.sample ? 1 : Math.floor(len / this.sample);
    for (let i = from; i < to; i += step) h = Math.imul(h ^ buf[i]!, 16777619);
    const hit = this.table.get(h);
    if (hit && hit.bytes.length === len && (len <= 64 ? sameBytes(hit.bytes, buf, from, len) : buf.compare(hit.bytes, 0, len, from, to) === 0)) return hit;
    const text = utf8(buf, from, to);
    // Kept from its second sighting on: a value sent once (a message, an id) neither costs a copy nor evicts one that repeats.
    if (!this.seen.has(h)) {
      if (this.seen.size >= this.max * 4) this.seen.clear();
      this.seen.add(h);
      return { bytes: EMPTY, text, wanted: wantedKey(text), unique: uniqueValueKey(text) };
    }
    const entry = { bytes: Buffer.from(buf.subarray(from, to)), text, wanted: wantedKey(text), unique: uniqueValueKey(text) };
    if (this.table.size >= this.max) this.table.clear();
    this.table.set(h, entry);
    return entry;
  }
}

function sameBytes(a: Buffer, buf: Buffer, from: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[i] !== buf[from + i]) return false;
  return true;
}

const EMPTY = Buffer.alloc(0);
const INTERN_MAX_KEY = 128;
/** Values this long are repeated JSON text worth finding by bytes; shorter ones are cheaper to decode again. */
const INTERN_MIN_VALUE = 64;
const INTERN_MAX_VALUE = 8 << 10;
const keys = new Interner(4096, INTERN_MAX_KEY);
const values = new Interner(256, 64);

function anyValue(r: Reader, end: number, depth: number): AttrValue {
  if (depth > 32) r.fail('attribute values nested deeper than 32');
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = r.tag(end);
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === 2) value = r.string(end);
    else if (field === 2 && wire === 0) value = r.varint(end) !== 0;
    else if (field === 3 && wire === 0) value = r.int64(end);
    else if (field === 4 && wire === 1) {
      if (r.pos + 8 > end) r.fail('truncated double');
      value = r.buf.readDoubleLE(r.pos);
      r.pos += 8;
    } else if (field === 5 && wire === 2) {
      const to = r.sub(end);
      const list: AttrValue[] = [];
      while (r.pos < to) {
        const t = r.tag(to);
        if (t >>> 3 === 1 && (t & 7) === 2) list.push(anyValue(r, r.sub(to), depth + 1));
        else r.skip(t & 7, to);
      }
      value = list;
    } else if (field === 6 && wire === 2) {
      const obj: Attrs = {};
      keyValues(r, r.sub(end), obj, depth + 1, 1, false);
      value = obj;
    } else if (field === 7 && wire === 2) value = r.hex(end);
    else r.skip(wire, end);
  }
  return value;
}

/** Repeated KeyValue (field `field` of the enclosing message) read into `into`, to `end`; all keys (kvlist values). */
function keyValues(r: Reader, end: number, into: Attrs, depth: number, field: number, filter = false): void {
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag >>> 3 === field && (tag & 7) === 2) keyValue(r, r.sub(end), into, depth, filter);
    else r.skip(tag & 7, end);
  }
}

/**
 * The keys of the last span's attributes, by position: an exporter writes every span's
 * attributes in the same order, so a key is mostly found here by comparing its bytes, without
 * hashing it and looking it up.
 */
const lastSpanKeys: Interned[] = [];

/** The key in `r.buf` from `r.pos` to `to`: the one at `slot` of the last span when the bytes match, else the interner's. */
function keyAt(r: Reader, to: number, slot: number): Interned | null {
  const len = to - r.pos;
  if (slot >= 0) {
    const guess = lastSpanKeys[slot];
    if (guess !== undefined && guess.bytes.length === len && sameBytes(guess.bytes, r.buf, r.pos, len)) return guess;
  }
  const k = len <= INTERN_MAX_KEY ? keys.get(r.buf, r.pos, to) : null;
  // Only a key the interner keeps has its bytes to compare with.
  if (slot >= 0 && k !== null && k.bytes.length === len && slot < MAX_KEY_SLOTS) lastSpanKeys[slot] = k;
  return k;
}

const MAX_KEY_SLOTS = 128;

/**
 * One KeyValue; with `filter`, a key the mapping never reads has its value skipped unread.
 * `slot`: its position among a span's attributes (-1 elsewhere), for keyAt.
 */
function keyValue(r: Reader, end: number, into: Attrs, depth: number, filter = true, slot = -1): void {
  let key = '';
  let k0: Interned | null = null;
  let wanted = !filter;
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = r.tag(end);
    const f = tag >>> 3;
    if (f === 1 && (tag & 7) === 2) {
      const to = r.sub(end);
      const k = keyAt(r, to, slot);
      key = k ? k.text : utf8(r.buf, r.pos, to);
      k0 = k;
      r.pos = to;
      // The key comes first on the wire (every SDK writes field 1 first): an unwanted one ends the pair here.
      wanted ||= k ? k.wanted : wantedKey(key);
      if (!wanted) {
        r.pos = end;
        return;
      }
    } else if (f === 2 && (tag & 7) === 2) {
      r.internValues = !(k0 ? k0.unique : uniqueValueKey(key));
      value = anyValue(r, r.sub(end), depth);
      r.internValues = true;
    } else r.skip(tag & 7, end);
  }
  // A key named __proto__ would set the object's prototype, not an attribute: no instrumentation sends one.
  if (key !== '__proto__' && (wanted || wantedKey(key))) into[key] = value;
}

/** Resource: its attributes (field 1); the rest is skipped. */
function resource(r: Reader, end: number): Attrs {
  const attrs: Attrs = {};
  keyValues(r, end, attrs, 0, 1, true);
  return attrs;
}

function scopeName(r: Reader, end: number): string {
  let name = '';
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | 2)) name = r.string(end);
    else r.skip(tag & 7, end);
  }
  return name;
}

function event(r: Reader, end: number): OtlpEvent {
  const e: OtlpEvent = { name: '', timeMs: 0, attributes: {} };
  while (r.pos < end) {
    const tag = r.tag(end);
    const f = tag >>> 3;
    const w = tag & 7;
    if (f === 1 && w === 1) e.timeMs = r.fixed64Ms(end);
    else if (f === 2 && w === 2) e.name = r.string(end);
    else if (f === 3 && w === 2) keyValue(r, r.sub(end), e.attributes, 0);
    else r.skip(w, end);
  }
  return e;
}

function span(r: Reader, end: number): OtlpSpan {
  const s: OtlpSpan = { traceId: '', spanId: '', parentSpanId: '', name: '', startMs: 0, endMs: 0, attributes: {}, events: [], statusCode: 0, statusMessage: '' };
  let slot = 0;
  while (r.pos < end) {
    const tag = r.tag(end);
    const f = tag >>> 3;
    const w = tag & 7;
    if (w === 2 && f === 1) s.traceId = r.hex(end);
    else if (w === 2 && f === 2) s.spanId = r.hex(end);
    else if (w === 2 && f === 4) s.parentSpanId = r.hex(end);
    else if (w === 2 && f === 5) s.name = r.string(end);
    else if (w === 1 && f === 7) s.startMs = r.fixed64Ms(end);
    else if (w === 1 && f === 8) s.endMs = r.fixed64Ms(end);
    else if (w === 2 && f === 9) keyValue(r, r.sub(end), s.attributes, 0, true, slot++);
    else if (w === 2 && f === 11) s.events.push(event(r, r.sub(end)));
    else if (w === 2 && f === 15) {
      const to = r.sub(end);
      while (r.pos < to) {
        const t = r.tag(to);
        if (t === ((2 << 3) | 2)) s.statusMessage = r.string(to);
        else if (t === ((3 << 3) | 0)) s.statusCode = r.varint(to);
        else r.skip(t & 7, to);
      }
    } else r.skip(w, end);
  }
  return s;
}

function logRecord(r: Reader, end: number): OtlpLogRecord {
  const l: OtlpLogRecord = { timeMs: 0, traceId: '', spanId: '', eventName: '', body: null, attributes: {} };
  let observed = 0;
  while (r.pos < end) {
    const tag = r.tag(end);
    const f = tag >>> 3;
    const w = tag & 7;
    if (w === 1 && f === 1) l.timeMs = r.fixed64Ms(end);
    else if (w === 1 && f === 11) observed = r.fixed64Ms(end);
    else if (w === 2 && f === 5) l.body = anyValue(r, r.sub(end), 0);
    else if (w === 2 && f === 6) keyValue(r, r.sub(end), l.attributes, 0);
    else if (w === 2 && f === 9) l.traceId = r.hex(end);
    else if (w === 2 && f === 10) l.spanId = r.hex(end);
    else if (w === 2 && f === 12) l.eventName = r.string(end);
    else r.skip(w, end);
  }
  if (!l.timeMs) l.timeMs = observed;
  return l;
}

/**
 * Resource{Spans,Logs} (field 1 of the request) -> groups: resource at 1, Scope{Spans,Logs} at 2;
 * in a scope, the scope at 1 and the items at 2.
 */
function groups<T>(body: Buffer, item: (r: Reader, end: number) => T): OtlpGroup<T>[] {
  const r = new Reader(body);
  const end = body.length;
  const out: OtlpGroup<T>[] = [];
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag !== ((1 << 3) | 2)) {
      r.skip(tag & 7, end);
      continue;
    }
    const rsEnd = r.sub(end);
    let res: Attrs = {};
    const scopes: { scopeName: string; items: T[] }[] = [];
    while (r.pos < rsEnd) {
      const t = r.tag(rsEnd);
      if (t === ((1 << 3) | 2)) res = resource(r, r.sub(rsEnd));
      else if (t === ((2 << 3) | 2)) {
        const ssEnd = r.sub(rsEnd);
        const scope = { scopeName: '', items: [] as T[] };
        while (r.pos < ssEnd) {
          const u = r.tag(ssEnd);
          if (u === ((1 << 3) | 2)) scope.scopeName = scopeName(r, r.sub(ssEnd));
          else if (u === ((2 << 3) | 2)) scope.items.push(item(r, r.sub(ssEnd)));
          else r.skip(u & 7, ssEnd);
        }
        scopes.push(scope);
      } else r.skip(t & 7, rsEnd);
    }
    // The resource may come after its scopes on the wire: attach it once all are read.
    for (const s of scopes) out.push({ resource: res, ...s });
  }
  return out;
}

/** ExportTraceServiceRequest, binary protobuf. Throws OtlpDecodeError with where it stopped. */
export const decodeTraceRequest = (body: Buffer): OtlpGroup<OtlpSpan>[] => groups(body, span);

/** ExportLogsServiceRequest, binary protobuf. */
export const decodeLogsRequest = (body: Buffer): OtlpGroup<OtlpLogRecord>[] => groups(body, logRecord);
