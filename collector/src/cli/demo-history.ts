import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AgentPush } from '../simulator/agent-push';

/** Written once the demo's past week was pushed: a restart on the same data directory sends it no second time. */
export const DEMO_HISTORY_FILE = 'demo-history.json';
/** A week of baseline and the current day: what the quality monitor compares by default. */
const HISTORY_DAYS = 8;
/** Over all agents: a few an hour per agent, enough for the monitor's 30 samples a window. */
const HISTORY_PER_HOUR = 40;
/** The demo's drift: the busiest vendor agent got slower this long before the first start... */
const REGRESSION_HOURS = 10;
/** ...by this much: the monitor finds its latency drifted up. */
const REGRESSION_FACTOR = 2.5;

interface Marker {
  regressionSinceMs: number;
  agent: string;
  requests: number;
}

/**
 * Gives the demo a past and a drift: the busiest vendor agent's requests take 2.5 times as long
 * from ten hours before the first start on, and at that first start the agents push the eight
 * days before it (about 7,700 requests), so the Quality and drift page shows a latency drift on
 * the monitor's first run. Resolves with how many past requests were sent (0 on a restart).
 */
export async function demoHistory(push: AgentPush, dataDir: string, nowMs: number, log: Logger): Promise<number> {
  const file = join(dataDir, DEMO_HISTORY_FILE);
  let marker: Marker | null = null;
  try {
    marker = JSON.parse(readFileSync(file, 'utf8')) as Marker;
  } catch {
    // First start on this data directory.
  }
  const target = [...push.agents].filter((a) => a.id).sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name))[0];
  if (!target) return 0;
  const sinceMs = marker?.regressionSinceMs ?? nowMs - REGRESSION_HOURS * 3_600_000;
  target.slowdown = { sinceMs, factor: REGRESSION_FACTOR };
  if (marker) return 0;
  const requests = await push.history(nowMs - HISTORY_DAYS * 86_400_000, nowMs, HISTORY_PER_HOUR);
  writeFileSync(file, `${JSON.stringify({ regressionSinceMs: sinceMs, agent: target.name, requests } satisfies Marker)}\n`);
  log.info({ requests, days: HISTORY_DAYS, slower: target.name }, `demo agents pushed their last ${HISTORY_DAYS} days; ${target.name} has been ${REGRESSION_FACTOR}x slower for ${REGRESSION_HOURS} h (the demo's drift)`);
  return requests;
}
