/**
 * Test set-up for the Quality page's tests, through the collector's own API with the admin key
 * (not through the page): an agent of the test's own with requests pushed by the ingest API.
 */
import type { AgentView as Agent, IngestInteraction, IngestResult, QualityMetricsResult } from '@ai-arm/schemas';
import { collectorApi } from '../../test-support/grafana';

export const run = Date.now().toString(36);
const HOUR = 3_600_000;

export interface Pushed {
  hoursAgo: number;
  model: string;
  latencyMs: number;
  status?: 'ok' | 'error';
}

/**
 * A steady first version (`v1Model`, ~100 ms) 2 to 6.5 days ago, then a second version
 * (`v2Model`, ~2 s, one request in ten failing) over the last 20 hours: two versions in a 7-day
 * window, and the latency of the current day far outside the baseline (drift).
 */
export function steadyThenSlow(v1Model = 'gpt-4o-mini', v2Model = 'gpt-4o'): Pushed[] {
  const v1 = Array.from({ length: 40 }, (_, i) => ({
    hoursAgo: 48 + i * 2.5,
    model: v1Model,
    latencyMs: 100 + (i % 5) * 5,
  }));
  const v2 = Array.from({ length: 40 }, (_, i) => ({
    hoursAgo: 1 + i * 0.45,
    model: v2Model,
    latencyMs: 2000 + (i % 5) * 50,
    status: i % 10 === 0 ? ('error' as const) : ('ok' as const),
  }));
  return [...v1, ...v2];
}

/** Pushes the requests as agent `name`, and resolves to the agent once the collector counts all of them. */
export async function seedAgent(name: string, requests: Pushed[]): Promise<Agent> {
  const now = Date.now();
  const interactions: IngestInteraction[] = requests.map((r, i) => ({
    id: `${name}-${i}`,
    agent: name,
    vendor: 'openai',
    model: r.model,
    startedAt: new Date(now - r.hoursAgo * HOUR).toISOString(),
    latencyMs: r.latencyMs,
    tokens: { input: 50, output: 20 },
    status: r.status ?? 'ok',
    ...(r.status === 'error' ? { errorType: 'timeout' } : {}),
  }));
  const pushed = await collectorApi<IngestResult>('POST', '/api/v1/ingest/interactions', { interactions });
  if (pushed.accepted !== interactions.length) {
    throw new Error(`the ingest API refused requests: ${JSON.stringify(pushed.rejected)}`);
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [agent] = await collectorApi<Agent[]>('GET', `/api/v1/agents?q=${encodeURIComponent(name)}&limit=1`);
    if (agent) {
      const from = new Date(now - 8 * 24 * HOUR).toISOString();
      const m = await collectorApi<QualityMetricsResult>(
        'GET',
        `/api/v1/quality/${agent.id}/metrics?from=${encodeURIComponent(from)}`
      );
      if (m.overall.requests === requests.length) {
        return agent;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`the collector does not count the ${requests.length} requests pushed for ${name}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The query string of the last request the page made to `path` (through the proxy), as parameters. */
export function lastQuery(forwarded: Array<{ path: string }>, path: string): URLSearchParams {
  const asked = forwarded.filter((f) => f.path.split('?')[0] === `collector${path}`);
  if (asked.length === 0) {
    throw new Error(`the page never asked for ${path}`);
  }
  return new URLSearchParams(asked[asked.length - 1].path.split('?')[1] ?? '');
}
