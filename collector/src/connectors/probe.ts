import type { HealthProbe } from './types';

export interface ProbeFacts {
  /** null: could not tell (the probe failed before it knew). */
  exists: boolean;
  modelServed: boolean;
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
    const latencyMs = performance.now() - started;
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

/** A list fetched at most once per `ttlMs`, shared by the probes of one health run. */
export function cached<T>(ttlMs: number, load: () => Promise<T>): () => Promise<T> {
  let value: { at: number; data: Promise<T> } | undefined;
  return () => {
    if (!value || Date.now() - value.at > ttlMs) {
      const data = load();
      value = { at: Date.now(), data };
      data.catch(() => (value = undefined));
    }
    return value.data;
  };
}
