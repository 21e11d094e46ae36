/** How long an id is remembered: a client's or an exporter's retries come within minutes. */
export const RECENT_ID_MS = 10 * 60_000;
const MAX_IDS = 200_000;

/**
 * Interaction ids accepted lately, per organisation, so a retry of an accepted item is not
 * counted in the metrics again (the store deduplicates the rows regardless). Bounded: past
 * MAX_IDS the oldest are forgotten first.
 */
export class RecentIds {
  private readonly seen = new Map<string, number>();

  /** True the first time an id is seen within RECENT_ID_MS; remembers it. */
  firstTime(organizationId: string, id: string, nowMs: number): boolean {
    const key = `${organizationId}|${id}`;
    const at = this.seen.get(key);
    if (at !== undefined && nowMs - at < RECENT_ID_MS) return false;
    // Re-inserted at the end, so Map order stays oldest first.
    this.seen.delete(key);
    this.seen.set(key, nowMs);
    while (this.seen.size > MAX_IDS) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
}
