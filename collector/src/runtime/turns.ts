/**
 * Work that must not overlap itself, one queue per key: a run waits for the one before it
 * with the same key, whether that one succeeded or failed; runs under other keys go on.
 * The poller's runs per connection, the writer's flushes per table and the embedded stores'
 * statements all take turns through it.
 */
export class Turns {
  private readonly last = new Map<string, Promise<unknown>>();

  take<T>(key: string, run: () => Promise<T>): Promise<T> {
    const result = (this.last.get(key) ?? Promise.resolve()).then(run);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.last.set(key, settled);
    void settled.then(() => {
      if (this.last.get(key) === settled) this.last.delete(key);
    });
    return result;
  }
}
