import type { SimTier, SimVendor } from './catalog';
import { unit } from './random';
import type { SimAgent, World } from './world';

/** Usage of one API key on one model in one hour, at the finest grain either vendor reports. */
export interface UsageCell {
  vendor: SimVendor;
  hour: number;
  groupId: string;
  apiKeyId: string;
  model: string;
  batch: boolean;
  /** OpenAI's service tier; Anthropic traffic is all `default`. */
  tier: SimTier;
  longContext: boolean;
  requests: number;
  uncachedInput: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
  embedding: boolean;
}

export const HOUR = 3600;

export interface Revision {
  /** Buckets that ended less than this many seconds ago are still incomplete. */
  windowSeconds: number;
}

/**
 * Vendors report recent buckets before all their traffic is counted and revise them
 * later. A bucket younger than the window is served at a fraction of its final value,
 * growing to the whole as it ages: so polling once is not enough.
 */
export function completeness(hourStart: number, now: number, revision: Revision): number {
  const age = now - (hourStart + HOUR);
  if (age >= revision.windowSeconds || revision.windowSeconds <= 0) return 1;
  return 0.5 + 0.5 * Math.max(0, age) / revision.windowSeconds;
}

/** The cells one agent (or one shared key) produced in one hour, final values. */
export function agentHour(world: World, agent: SimAgent, hour: number): UsageCell[] {
  if (agent.createdAt > hour) return [];
  const seed = world.seed;
  const p = agent.profile;
  const id = agent.apiKeyId;
  if (unit(seed, 'idle', id, hour) < p.idleShare) return [];
  const hourOfDay = (hour / HOUR) % 24;
  const diurnal = 0.35 + 0.65 * (0.5 + 0.5 * Math.sin((2 * Math.PI * (hourOfDay - 8)) / 24));
  const requests = Math.round(p.requestsPerHour * diurnal * (0.5 + unit(seed, 'req', id, hour)));
  if (requests === 0) return [];
  const batch = Math.round(requests * p.batchShare);
  const flex = Math.round((requests - batch) * p.flexShare);
  const priority = Math.round((requests - batch - flex) * p.priorityShare);
  const long = Math.round((requests - batch - flex - priority) * p.longContextShare);
  const cells: UsageCell[] = [];
  const add = (n: number, isBatch: boolean, isLong: boolean, tier: SimTier) => {
    if (n <= 0) return;
    const jitter = unit(seed, 'tok', id, hour, isBatch ? 'b' : tier === 'default' ? 's' : tier, isLong ? 'l' : 'n');
    const perRequest = isLong ? 200_001 + Math.floor(jitter * 150_000) : Math.floor(p.inputPerRequest * (0.8 + 0.4 * jitter));
    const input = n * perRequest;
    const cacheRead = Math.floor(input * p.cacheReadShare);
    const cacheWrite5m = Math.floor(input * p.cacheWrite5mShare);
    const cacheWrite1h = Math.floor(input * p.cacheWrite1hShare);
    const output = agent.model.embedding ? 0 : Math.floor(n * p.outputPerRequest * (0.7 + 0.6 * jitter));
    cells.push({
      vendor: agent.vendor, hour, groupId: agent.groupId, apiKeyId: id, model: agent.model.id, batch: isBatch, tier, longContext: isLong,
      requests: n, uncachedInput: input - cacheRead - cacheWrite5m - cacheWrite1h, cacheRead, cacheWrite5m, cacheWrite1h, output, embedding: false,
    });
  };
  add(requests - batch - flex - priority - long, false, false, 'default');
  add(long, false, true, 'default');
  add(batch, true, false, 'default');
  add(flex, false, false, 'flex');
  add(priority, false, false, 'priority');
  // Retrieval agents embed their queries too (OpenAI's embeddings usage endpoint).
  if (agent.vendor === 'openai' && unit(seed, 'rag', id) < 0.3) {
    const tokens = requests * (150 + Math.floor(unit(seed, 'emb', id, hour) * 300));
    cells.push({
      vendor: 'openai', hour, groupId: agent.groupId, apiKeyId: id, model: 'text-embedding-3-small', batch: false, tier: 'default', longContext: false,
      requests, uncachedInput: tokens, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 0, embedding: true,
    });
  }
  return cells;
}

/** A cell as served at `now`: scaled down while its bucket is still being revised. */
export function served(cell: UsageCell, now: number, revision: Revision): UsageCell {
  const f = completeness(cell.hour, now, revision);
  if (f === 1) return cell;
  const s = (n: number) => Math.floor(n * f);
  return { ...cell, requests: s(cell.requests), uncachedInput: s(cell.uncachedInput), cacheRead: s(cell.cacheRead), cacheWrite5m: s(cell.cacheWrite5m), cacheWrite1h: s(cell.cacheWrite1h), output: s(cell.output) };
}

export interface TrafficSource {
  world: World;
  revision: Revision;
  /** Agents deleted on demand stop producing traffic from that moment. */
  deletedAt: Map<string, number>;
}

/** Every served cell of one vendor for the whole hours in [start, end) that have ended by `now`. */
export function* cells(src: TrafficSource, vendor: SimVendor, start: number, end: number, now: number): Generator<UsageCell> {
  const producers = [...src.world.agents.filter((a) => a.vendor === vendor), ...[...src.world.sharedKeyProfiles.values()].filter((a) => a.vendor === vendor)];
  const first = Math.ceil(start / HOUR) * HOUR;
  for (let hour = first; hour + HOUR <= end && hour + HOUR <= now; hour += HOUR) {
    for (const agent of producers) {
      const gone = src.deletedAt.get(agent.id);
      if (gone !== undefined && gone <= hour) continue;
      for (const cell of agentHour(src.world, agent, hour)) yield served(cell, now, src.revision);
    }
  }
}
