/** How long an id is remembered: a client's or an exporter's retries come within minutes. */
export const RECENT_ID_MS = 10 * 60_000;
const MAX_IDS = 200_000;

/**
 * Interaction ids accepted lately, per organisation, so a retry of an accepted item is not
 * counted in the metrics again (the store deduplicates the rows regardless). Bounded: past
 * MAX_IDS the oldest are forgotten first.
 *
 * The order of remembering is a queue beside the maps, not the order of one Map: forgetting a
 * Map's first key means a fresh iterator that walks every deleted slot before it, tens of µs an
 * id once the bound is reached. A queue entry whose id was remembered again since is stale and
 * skipped. Expired ids are forgotten from the front as well, which answers nothing differently
 * (an expired id counts as new either way) and keeps the maps small under light traffic.
 */
export class RecentIds {
  private readonly orgs = new Map<string, Map<string, number>>();
  private size = 0;
  private queueMap: (Map<string, number> | undefined)[] = [];
  private queueId: (string | undefined)[] = [];
  private queueAt: number[] = [];
  private head = 0;

  constructor(private readonly maxIds = MAX_IDS) {}

  /** True the first time an id is seen within RECENT_ID_MS; remembers it. */
  firstTime(organizationId: string, id: string, nowMs: number): boolean {
    return this.firstTimeIn(this.of(organizationId), id, nowMs);
  }

  /** One organisation's ids, to ask firstTimeIn per item without looking the organisation up each time. */
  of(organizationId: string): Map<string, number> {
    let ids = this.orgs.get(organizationId);
    if (!ids) this.orgs.set(organizationId, (ids = new Map()));
    return ids;
  }

  firstTimeIn(ids: Map<string, number>, id: string, nowMs: number): boolean {
    const at = ids.get(id);
    if (at !== undefined && nowMs - at < RECENT_ID_MS) return false;
    if (at === undefined) this.size++;
    ids.set(id, nowMs);
    this.queueMap.push(ids);
    this.queueId.push(id);
    this.queueAt.push(nowMs);
    this.forgetOldest(nowMs);
    return true;
  }

  private forgetOldest(nowMs: number): void {
    const { queueMap, queueId, queueAt } = this;
    let head = this.head;
    while (head < queueId.length && (this.size > this.maxIds || nowMs - queueAt[head]! >= RECENT_ID_MS)) {
      const ids = queueMap[head]!;
      const id = queueId[head]!;
      // Stale when the id was remembered again later: its newer entry forgets it.
      if (ids.get(id) === queueAt[head]) {
        ids.delete(id);
        this.size--;
      }
      queueMap[head] = undefined;
      queueId[head] = undefined;
      head++;
    }
    // The queue's consumed front is dropped once it is most of the arrays.
    if (head > 4096 && head * 2 > queueId.length) {
      this.queueMap = queueMap.slice(head);
      this.queueId = queueId.slice(head);
      this.queueAt = queueAt.slice(head);
      head = 0;
    }
    this.head = head;
  }
}
