/** How long an id is remembered: a client's or an exporter's retries come within minutes. */
export const RECENT_ID_MS = 10 * 60_000;
const MAX_IDS = 200_000;
const FIRST_CAPACITY = 1024;
/** Room for ids of about this many characters each, at first: OTLP's are 49 (trace id, colon, span id). */
const FIRST_CHARS_PER_ID = 64;

/**
 * Interaction ids accepted lately, per organisation, so a retry of an accepted item is not
 * counted in the metrics again (the store deduplicates the rows regardless). Bounded: past
 * MAX_IDS the oldest are forgotten first.
 *
 * Asked once per accepted item, so built for it: a ring of entries in remembering order (the
 * oldest is forgotten from its head) chained into hash buckets, all in typed arrays. The ids'
 * characters too: each id is copied into a ring of bytes beside the entries (an id with a
 * character past Latin-1 is kept as its string), and compared with it exactly. Kept as strings,
 * the 200,000 ids of ten minutes' traffic were that many objects that lived long enough to move
 * to the old generation, each one marked again by every full collection and freed by one later.
 * A Map would need a fresh iterator to find its oldest key, walking every deleted slot before
 * it: tens of µs an id once the bound is reached. Expired ids are forgotten from the head as
 * well, which answers nothing differently (an expired id counts as new either way) and keeps
 * the ring short under light traffic.
 */
export class RecentIds {
  private readonly orgs = new Map<string, number>();
  private capacity = FIRST_CAPACITY;
  /** An entry's id: its length, and where its characters start in `chars` (-1: in `wide`). */
  private len = new Int32Array(FIRST_CAPACITY);
  private start = new Int32Array(FIRST_CAPACITY);
  /** 1 once an entry is forgotten; it and its characters stay in the rings until the head passes it. */
  private gone = new Uint8Array(FIRST_CAPACITY);
  private org = new Int32Array(FIRST_CAPACITY);
  private at = new Float64Array(FIRST_CAPACITY);
  private hash = new Int32Array(FIRST_CAPACITY);
  /** Next entry in the same bucket, + 1 (0 ends the chain). */
  private next = new Int32Array(FIRST_CAPACITY);
  /** First entry of each bucket, + 1; twice the ring's capacity, so chains stay short. */
  private buckets = new Int32Array(FIRST_CAPACITY * 2);
  /** Ids with a character past Latin-1, by entry: rare (an ingest API client's own ids). */
  private wide = new Map<number, string>();
  /** The ids' characters, a ring in the entries' order: `charsUsed` of them end at `charsEnd`. */
  private chars = new Uint8Array(FIRST_CAPACITY * FIRST_CHARS_PER_ID);
  private charsEnd = 0;
  private charsUsed = 0;
  /** The ring: `used` slots from `head`, forgotten ones included until the head passes them. */
  private head = 0;
  private used = 0;
  private live = 0;
  private readonly maxCapacity: number;

  constructor(private readonly maxIds = MAX_IDS) {
    let c = FIRST_CAPACITY;
    while (c < maxIds * 2) c *= 2;
    this.maxCapacity = c;
  }

  /** True the first time an id is seen within RECENT_ID_MS; remembers it. */
  firstTime(organizationId: string, id: string, nowMs: number): boolean {
    return this.firstTimeIn(this.of(organizationId), id, nowMs);
  }

  /** An organisation's number here, to ask firstTimeIn per item without looking the organisation up each time. */
  of(organizationId: string): number {
    let n = this.orgs.get(organizationId);
    if (n === undefined) this.orgs.set(organizationId, (n = this.orgs.size));
    return n;
  }

  firstTimeIn(org: number, id: string, nowMs: number): boolean {
    const n = id.length;
    let h = 0x811c9dc5 ^ Math.imul(org, 0x9e3779b1);
    let narrow = true;
    for (let i = 0; i < n; i++) {
      const c = id.charCodeAt(i);
      if (c > 0xff) narrow = false;
      h = Math.imul(h ^ c, 0x01000193);
    }
    const mask = this.buckets.length - 1;
    for (let e = this.buckets[h & mask]! - 1; e >= 0; e = this.next[e]! - 1) {
      if (this.hash[e] !== h || this.org[e] !== org || this.len[e] !== n || !this.holds(e, id)) continue;
      if (nowMs - this.at[e]! < RECENT_ID_MS) return false;
      // Seen before but expired: remembered again as new, at the ring's tail.
      this.unlink(e);
      break;
    }
    this.forgetOldest(nowMs);
    if (this.used === this.capacity) this.rebuild(this.capacity * 2, this.chars.length);
    if (narrow && this.charsUsed + n > this.chars.length) {
      // Half as much again (not twice): 200,000 ids of 49 characters need 10 MB, not 16.
      let room = Math.ceil(this.chars.length * 1.5);
      while (this.charsUsed + n > room) room = Math.ceil(room * 1.5);
      this.rebuild(this.capacity, room);
    }
    const e = (this.head + this.used) & (this.capacity - 1);
    this.used++;
    this.live++;
    this.len[e] = n;
    this.gone[e] = 0;
    if (narrow) {
      const chars = this.chars;
      const room = chars.length;
      const s = this.charsEnd;
      for (let i = 0, p = s; i < n; i++, p++) chars[p < room ? p : p - room] = id.charCodeAt(i);
      this.start[e] = s;
      this.charsEnd = s + n < room ? s + n : s + n - room;
      this.charsUsed += n;
    } else {
      this.start[e] = -1;
      this.wide.set(e, id);
    }
    this.org[e] = org;
    this.at[e] = nowMs;
    this.hash[e] = h;
    const b = h & (this.buckets.length - 1);
    this.next[e] = this.buckets[b]!;
    this.buckets[b] = e + 1;
    return true;
  }

  /** Whether entry `e` (of the same length) is `id`, character for character. */
  private holds(e: number, id: string): boolean {
    const s = this.start[e]!;
    if (s < 0) return this.wide.get(e) === id;
    const chars = this.chars;
    const room = chars.length;
    for (let i = 0, p = s; i < id.length; i++, p++) if (chars[p < room ? p : p - room] !== id.charCodeAt(i)) return false;
    return true;
  }

  /** Drops the head while it is forgotten, expired, or one too many; and always when the ring is full at its largest. */
  private forgetOldest(nowMs: number): void {
    const mask = this.capacity - 1;
    while (this.used > 0) {
      const e = this.head;
      if (this.gone[e] === 0) {
        const full = this.used === this.maxCapacity;
        if (!full && this.live < this.maxIds && nowMs - this.at[e]! < RECENT_ID_MS) return;
        this.unlink(e);
      }
      if (this.start[e]! >= 0) this.charsUsed -= this.len[e]!;
      this.head = (e + 1) & mask;
      this.used--;
    }
  }

  private unlink(e: number): void {
    const b = this.hash[e]! & (this.buckets.length - 1);
    let link = this.buckets[b]!;
    if (link === e + 1) this.buckets[b] = this.next[e]!;
    else {
      while (this.next[link - 1] !== e + 1) link = this.next[link - 1]!;
      this.next[link - 1] = this.next[e]!;
    }
    this.gone[e] = 1;
    if (this.start[e]! < 0) this.wide.delete(e);
    this.live--;
  }

  /**
   * The entries laid out again from slot 0, in rings of the given sizes, chained into fresh
   * buckets. Forgotten ones keep their places (the head drops them as before), so the
   * characters move as one block, in at most two copies.
   */
  private rebuild(capacity: number, charRoom: number): void {
    const old = { len: this.len, start: this.start, gone: this.gone, org: this.org, at: this.at, hash: this.hash, wide: this.wide, chars: this.chars, head: this.head, capacity: this.capacity };
    const oldRoom = old.chars.length;
    // Where the oldest character is; it goes to 0.
    const first = this.charsEnd - this.charsUsed < 0 ? this.charsEnd - this.charsUsed + oldRoom : this.charsEnd - this.charsUsed;
    this.chars = new Uint8Array(charRoom);
    if (first + this.charsUsed <= oldRoom) this.chars.set(old.chars.subarray(first, first + this.charsUsed));
    else {
      this.chars.set(old.chars.subarray(first));
      this.chars.set(old.chars.subarray(0, this.charsEnd), oldRoom - first);
    }
    this.charsEnd = this.charsUsed === charRoom ? 0 : this.charsUsed;
    this.capacity = capacity;
    this.len = new Int32Array(capacity);
    this.start = new Int32Array(capacity);
    this.gone = new Uint8Array(capacity);
    this.org = new Int32Array(capacity);
    this.at = new Float64Array(capacity);
    this.hash = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.buckets = new Int32Array(capacity * 2);
    this.wide = new Map();
    this.head = 0;
    const mask = this.buckets.length - 1;
    for (let e = 0; e < this.used; e++) {
      const from = (old.head + e) & (old.capacity - 1);
      const s = old.start[from]!;
      this.len[e] = old.len[from]!;
      this.start[e] = s < 0 ? -1 : s >= first ? s - first : s + oldRoom - first;
      this.gone[e] = old.gone[from]!;
      this.org[e] = old.org[from]!;
      this.at[e] = old.at[from]!;
      this.hash[e] = old.hash[from]!;
      if (old.gone[from] === 1) continue;
      if (s < 0) this.wide.set(e, old.wide.get(from)!);
      const b = old.hash[from]! & mask;
      this.next[e] = this.buckets[b]!;
      this.buckets[b] = e + 1;
    }
  }
}
