/**
 * A counting semaphore: how many report pages may be in memory at once across every feed
 * and connection. Pages are the collector's largest allocations (a 10,000-agent page is
 * ~20,000 rows); bounding them bounds its memory whatever the number of connections.
 */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}
