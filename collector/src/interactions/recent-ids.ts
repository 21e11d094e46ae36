/** How long an id is remembered: a client's or an exporter's retries come within minutes. */
export const RECENT_ID_MS = 10 * 60_000;
const MAX_IDS = 200_000;
const FIRST_CAPACITY = 1024;

/**
 * Interaction ids accepted lately, per organisation, so a retry of an accepted item is not
 * counted in the metrics again (the store deduplicates the rows regardless). Bounded: past
 * MAX_IDS the oldest are forgotten first.
 *
 * Asked once per accepted item, so built for it: a ring of entries in remembering order (the
 * oldest is forgotten from its head) chained into hash buckets, all in typed arrays but the ids
 * themselves, which an id is compared with exactly. A Map would need a fresh iterator to find
 * its oldest key, walking every deleted slot before it: tens of µs an id once the bound is
 * reached. Expired ids are forgotten from the head as well, which answers nothing differently
 * (an expired id counts as new either way) and keeps the ring short under light traffic.
 */
export class RecentIds {
  private readonly orgs = new Map<string, number>();
  private capacity = FIRST_CAPACITY;
  private ids: (string | undefined)[] = new Array<string | undefined>(FIRST_CAPACITY).fill(undefined);
  private org = new Int32Array(FIRST_CAPACITY);
  private at = new Float64Array(FIRST_CAPACITY);
  private hash = new Int32Array(FIRST_CAPACITY);
  /** Next entry in the same bucket, + 1 (0 ends the chain). */
  private next = new Int32Array(FIRST_CAPACITY);
  /** First entry of each bucket, + 1; twice the ring's capacity, so chains stay short. */
  private buckets = new Int32Array(FIRST_CAPACITY * 2);
  /** The ring: `used` slots from `head`, forgotten ones (id undefined) included until the head passes them. */
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
    let h = 0x811c9dc5 ^ Math.imul(org, 0x9e3779b1);
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    const mask = this.buckets.length - 1;
    for (let e = this.buckets[h & mask]! - 1; e >= 0; e = this.next[e]! - 1) {
      if (this.hash[e] !== h || this.org[e] !== org || this.ids[e] !== id) continue;
      if (nowMs - this.at[e]! < RECENT_ID_MS) return false;
      // Seen before but expired: remembered again as new, at the ring's tail.
      this.unlink(e);
      break;
    }
    this.forgetOldest(nowMs);
    if (this.used === this.capacity) this.grow();
    const e = (this.head + this.used) & (this.capacity - 1);
    this.used++;
    this.live++;
    this.ids[e] = id;
    this.org[e] = org;
    this.at[e] = nowMs;
    this.hash[e] = h;
    const b = h & (this.buckets.length - 1);
    this.next[e] = this.buckets[b]!;
    this.buckets[b] = e + 1;
    return true;
  }

  /** Drops the head while it is forgotten, expired, or one too many; and always when the ring is full at its largest. */
  private forgetOldest(nowMs: number): void {
    const mask = this.capacity - 1;
    while (this.used > 0) {
      const e = this.head;
      if (this.ids[e] !== undefined) {
        const full = this.used === this.maxCapacity;
        if (!full && this.live < this.maxIds && nowMs - this.at[e]! < RECENT_ID_MS) return;
        this.unlink(e);
      }
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
    this.ids[e] = undefined;
    this.live--;
  }

  /** Twice the room, the entries laid out again from slot 0 and chained into twice the buckets. */
  private grow(): void {
    const old = { ids: this.ids, org: this.org, at: this.at, hash: this.hash, head: this.head, used: this.used, capacity: this.capacity };
    const capacity = this.capacity * 2;
    this.capacity = capacity;
    this.ids = new Array<string | undefined>(capacity).fill(undefined);
    this.org = new Int32Array(capacity);
    this.at = new Float64Array(capacity);
    this.hash = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.buckets = new Int32Array(capacity * 2);
    this.head = 0;
    this.used = 0;
    const mask = this.buckets.length - 1;
    for (let k = 0; k < old.used; k++) {
      const from = (old.head + k) & (old.capacity - 1);
      const id = old.ids[from];
      if (id === undefined) continue;
      const e = this.used++;
      this.ids[e] = id;
      this.org[e] = old.org[from]!;
      this.at[e] = old.at[from]!;
      this.hash[e] = old.hash[from]!;
      const b = old.hash[from]! & mask;
      this.next[e] = this.buckets[b]!;
      this.buckets[b] = e + 1;
    }
  }
}
