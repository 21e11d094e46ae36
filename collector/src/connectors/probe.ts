import type { HealthProbe } from './types';

export interface ProbeFacts {
  exists: boolean;
  modelServed: boolean;
  /** How long the vendor took to answer the calls behind these facts (shared lists included). */
  vendorLatencyMs?: number;
}

/**
 * Runs one check and turns what it learnt into a single probe result: DOWN when the agent
 * is gone or its model is no longer served, HEALTHY otherwise; a failed call is UNKNOWN
 * with its error (the health rules escalate repeated failures).
 */
export async function probe(name: string, model: string, check: () => Promise<ProbeFacts>): Promise<HealthProbe> {
  const started = performance.now();
  try {
    const facts = await check();
    const latencyMs = facts.vendorLatencyMs ?? performance.now() - started;
    const details = { exists: facts.exists, modelServed: facts.modelServed, probe: name };
    if (!facts.exists) return { status: 'DOWN', latencyMs, error: 'the agent no longer exists at the vendor', details };
    if (!facts.modelServed) return { status: 'DOWN', latencyMs, error: `model ${model} is no longer served by the vendor`, details };
    return { status: 'HEALTHY', latencyMs, details };
  } catch (err) {
    const e = err as { status?: number; message?: string };
    return {
      status: 'UNKNOWN',
      latencyMs: performance.now() - started,
      error: e.message ?? String(err),
      details: { exists: null, modelServed: null, probe: name, ...(e.status ? { httpStatus: e.status } : {}) },
    };
  }
}

export interface Timed<T> {
  data: T;
  latencyMs: number;
}

/**
 * A vendor list fetched at most once per `ttlMs` and shared by the probes of one health
 * run: 10,000 agents cost one paged list call, not 10,000 lookups. It remembers how long
 * the vendor took, which is the latency those probes report.
 */
export function cached<T>(ttlMs: number, load: () => Promise<T>): (() => Promise<Timed<T>>) & { reset(): void } {
  let value: { at: number; result: Promise<Timed<T>> } | undefined;
  const get = () => {
    if (!value || Date.now() - value.at > ttlMs) {
      const started = performance.now();
      const result = load().then((data) => ({ data, latencyMs: performance.now() - started }));
      value = { at: Date.now(), result };
      result.catch(() => (value = undefined));
    }
    return value.result;
  };
  return Object.assign(get, { reset: () => void (value = undefined) });
}

/**
 * The passive check both vendors get: the agent is still in the vendor's agent list and
 * its model in the model list, each list read once per health run.
 */
export class ListedInventory {
  readonly agents: ReturnType<typeof cached<Set<string>>>;
  readonly models: ReturnType<typeof cached<Set<string>>>;

  constructor(loadAgents: () => Promise<Set<string>>, loadModels: () => Promise<Set<string>>, ttlMs = 60_000) {
    this.agents = cached(ttlMs, loadAgents);
    this.models = cached(ttlMs, loadModels);
  }

  reset(): void {
    this.agents.reset();
    this.models.reset();
  }

  check(name: string, agent: { vendorAgentId: string; model: string }): Promise<HealthProbe> {
    return probe(name, agent.model, async () => {
      const [agents, models] = await Promise.all([this.agents(), this.models()]);
      return { exists: agents.data.has(agent.vendorAgentId), modelServed: models.data.has(agent.model), vendorLatencyMs: Math.max(agents.latencyMs, models.latencyMs) };
    });
  }
}

/** Collects the ids an SDK list iterator yields. */
export async function idsOf(items: AsyncIterable<{ id: string }>): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const item of items) ids.add(item.id);
  return ids;
}
