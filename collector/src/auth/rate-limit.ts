/**
 * A token bucket per caller: `perMinute` requests a minute on average, bursts up to that many
 * (or, with `windowMs`, that many per window). In memory, so each collector replica limits on its own.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly rate: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    windowMs = 60_000,
  ) {
    this.rate = perMinute / windowMs;
  }

  /** Takes one token; returns 0 when allowed, else the seconds until one is available. */
  take(key: string): number {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: t };
    b.tokens = Math.min(this.perMinute, b.tokens + (t - b.at) * this.rate);
    b.at = t;
    this.buckets.set(key, b);
    if (this.buckets.size > 100_000) this.prune(t);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / this.rate / 1000);
  }

  /** The seconds until a token is available (0: now), taking none. */
  peek(key: string): number {
    const b = this.buckets.get(key);
    if (!b) return 0;
    const tokens = Math.min(this.perMinute, b.tokens + (this.now() - b.at) * this.rate);
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / this.rate / 1000);
  }

  /** Gives back a token taken ahead of an outcome that turned out not to count (up to the bucket's size). */
  giveBack(key: string): void {
    const b = this.buckets.get(key);
    if (b) b.tokens = Math.min(this.perMinute, b.tokens + 1);
  }

  /** Full buckets carry no state worth keeping. */
  private prune(t: number): void {
    for (const [k, b] of this.buckets) if (b.tokens + (t - b.at) * this.rate >= this.perMinute) this.buckets.delete(k);
  }
}
