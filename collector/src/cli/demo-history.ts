import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestInteraction } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import type { AgentRequest } from '../simulator/agent-traffic';
import type { AgentPush } from '../simulator/agent-push';

/** Written once the demo's past week was imported: a restart on the same data directory imports it no second time. */
export const DEMO_HISTORY_FILE = 'demo-history.json';
/** A week of baseline and the current day: what the quality monitor compares by default. */
const HISTORY_DAYS = 8;
/** Over all agents: one or two an hour per agent, the busiest included (about 35 a day)... */
const HISTORY_PER_HOUR = 40;
/**
 * ...so the drifting agent gets this many more an hour: at 35 a day its current window held
 * fewer than the monitor's 30 successful samples about one start in seven, and no drift showed.
 */
const DRIFTING_PER_HOUR = 6;
/** The demo's drift: the busiest vendor agent got slower this long before the first start... */
const REGRESSION_HOURS = 20;
/** ...by this much: the monitor finds its latency drifted up. */
const REGRESSION_FACTOR = 2.5;
/** Items per ingest request (the API takes 1,000). */
const BATCH = 500;

interface Marker {
  regressionSinceMs: number;
  agent: string;
  requests: number;
  /** False when a shutdown cut the import short. */
  complete: boolean;
}

function* chain<T>(...parts: Iterable<T>[]): Generator<T> {
  for (const p of parts) yield* p;
}

/** A past request as the ingest API takes it: input tokens uncached, as the API counts them. */
function ingestItem(r: AgentRequest, n: number): IngestInteraction {
  const content = { input: [{ role: 'user', content: r.userMessage }, ...(r.retrieved ? [{ role: 'tool', content: r.retrieved }] : [])], ...(r.answer ? { output: r.answer } : {}) };
  return {
    id: `demo-past-${r.startMs.toFixed(0)}-${n}`,
    agent: r.agent.id!,
    agentName: r.agent.name,
    vendor: r.agent.provider,
    model: r.agent.requestModel,
    ...(r.responseModel ? { responseModel: r.responseModel } : {}),
    startedAt: new Date(r.startMs).toISOString(),
    latencyMs: r.durationMs,
    ...(r.ttftMs !== undefined ? { timeToFirstTokenMs: r.ttftMs } : {}),
    tokens: { input: r.tokens.input - r.tokens.cacheRead - r.tokens.cacheWrite, output: r.tokens.output, cacheRead: r.tokens.cacheRead, cacheWrite: r.tokens.cacheWrite },
    status: r.status,
    ...(r.errorType ? { errorType: r.errorType } : {}),
    conversationId: r.conversationId,
    systemInstructions: r.systemInstructions,
    toolNames: r.toolNames,
    content,
  };
}

/**
 * Gives the demo a past and a drift: the busiest vendor agent's requests take 2.5 times as long
 * from twenty hours before the first start on, and at that first start the vendor agents' 8 days
 * before it (about 8,100 requests) are imported through the ingest API (cheaper than as spans; the
 * in-house agent, known by service and name, has no past), so the Quality and drift page shows a
 * latency drift on the monitor's first run. Resolves with how many were imported (0 on a restart).
 */
export async function demoHistory(push: AgentPush, o: { dataDir: string; url: string; apiKey: string; nowMs: number; log: Logger; stopped: () => boolean }): Promise<number> {
  const file = join(o.dataDir, DEMO_HISTORY_FILE);
  let marker: Marker | null = null;
  try {
    marker = JSON.parse(readFileSync(file, 'utf8')) as Marker;
  } catch {
    // First start on this data directory.
  }
  const target = [...push.agents].filter((a) => a.id).sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name))[0];
  if (!target) return 0;
  const sinceMs = marker?.regressionSinceMs ?? o.nowMs - REGRESSION_HOURS * 3_600_000;
  target.slowdown = { sinceMs, factor: REGRESSION_FACTOR };
  if (marker) return 0;
  let sent = 0;
  let batch: IngestInteraction[] = [];
  const send = async () => {
    const res = await fetch(`${o.url}/api/v1/ingest/interactions`, { method: 'POST', headers: { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ interactions: batch }) });
    if (!res.ok) throw new Error(`the ingest API answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    sent += batch.length;
    batch = [];
  };
  const fromMs = o.nowMs - HISTORY_DAYS * 86_400_000;
  for (const r of chain(push.past(fromMs, o.nowMs, HISTORY_PER_HOUR), push.past(fromMs, o.nowMs, DRIFTING_PER_HOUR, target))) {
    // A shutdown cuts the import short; its marker still says so, since another import would store the first part twice (times are drawn afresh).
    if (o.stopped()) break;
    if (!r.agent.id) continue;
    batch.push(ingestItem(r, sent + batch.length));
    if (batch.length === BATCH) await send();
  }
  const complete = !o.stopped();
  if (complete && batch.length > 0) await send();
  writeFileSync(file, `${JSON.stringify({ regressionSinceMs: sinceMs, agent: target.name, requests: sent, complete } satisfies Marker)}\n`);
  if (!complete) {
    o.log.warn({ requests: sent }, `demo agents' past ${HISTORY_DAYS} days: the shutdown cut the import short; the demo keeps the part imported`);
    return sent;
  }
  o.log.info({ requests: sent, days: HISTORY_DAYS, slower: target.name }, `demo agents' last ${HISTORY_DAYS} days imported; ${target.name} has been ${REGRESSION_FACTOR}x slower for ${REGRESSION_HOURS} h (the demo's drift)`);
  return sent;
}
