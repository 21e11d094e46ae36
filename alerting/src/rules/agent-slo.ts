import { loadCatalogue } from '@ai-arm/schemas';
import type { AlertRule, RuleTest } from '../rule';

/**
 * Per-agent objectives over pushed requests, alerted on with multi-window, multi-burn-rate rules
 * (the Google SRE workbook's): an objective of 99% leaves an error budget of 1%; a burn rate of
 * 14.4 over 1 h spends 2% of a 30-day budget in that hour and pages, 6 over 6 h spends 5% and
 * opens a ticket. Each long window is paired with a short one (1/12 of it), so an alert stops
 * soon after the burn does, and an agent is judged only once it made `minRequests` requests in
 * the long window: two failures out of three calls are no evidence of a broken agent.
 */
export interface AgentObjectives {
  /** Share of an agent's pushed requests that must succeed: 0.99 = 99%. */
  errorObjective: number;
  /** Share of an agent's pushed requests that must finish within latencyThresholdSeconds. */
  latencyObjective: number;
  /** A boundary of the per-agent histogram (catalogue buckets `agent_seconds`). */
  latencyThresholdSeconds: number;
  /** Requests an agent must have made over the long window before its burn rate is judged. */
  minRequests: number;
}

export const DEFAULT_AGENT_OBJECTIVES: AgentObjectives = { errorObjective: 0.99, latencyObjective: 0.99, latencyThresholdSeconds: 10, minRequests: 20 };

const BY = 'organization_id, gen_ai_agent_id';
const PUSHED = 'ai_arm_requests_total{source="push"}';
const DURATION = 'ai_arm_agent_request_duration_seconds';

/** The boundaries `le` may take: those of the histogram the collector exposes. */
export const latencyBoundaries = (): number[] => {
  const catalogue = loadCatalogue();
  const metric = catalogue.metrics.find((m) => m.prometheus === DURATION)!;
  return catalogue.buckets[metric.buckets!]!;
};

export function checkObjectives(o: AgentObjectives): void {
  for (const [name, v] of [['errorObjective', o.errorObjective], ['latencyObjective', o.latencyObjective]] as const) {
    if (!(v > 0 && v < 1)) throw new Error(`${name} must be above 0 and below 1 (0.99 = 99%), not ${v}`);
  }
  if (!latencyBoundaries().includes(o.latencyThresholdSeconds)) {
    throw new Error(`latencyThresholdSeconds must be a boundary of ${DURATION} (${latencyBoundaries().join(', ')}), not ${o.latencyThresholdSeconds}`);
  }
  if (!(Number.isInteger(o.minRequests) && o.minRequests >= 0)) throw new Error(`minRequests must be a whole number, not ${o.minRequests}`);
}

// `or ... * 0` keeps an agent without failures at 0 instead of dropping it; vendor-reported
// counts (source="vendor_report") are the same requests again and stay out.
export const errorRatio = (w: string) =>
  `sum by (${BY}) (rate(ai_arm_requests_total{source="push",status="error"}[${w}]) or rate(${PUSHED}[${w}]) * 0) / sum by (${BY}) (rate(${PUSHED}[${w}]))`;

// Prometheus 3 stores a scraped `le="10"` as `le="10.0"`: match both spellings.
const leMatcher = (seconds: number) => {
  const s = String(seconds);
  return s.includes('.') ? `le="${s}"` : `le=~"${s}|${s}.0"`;
};
export const slowShare = (w: string, seconds: number) =>
  `1 - sum by (${BY}) (rate(${DURATION}_bucket{${leMatcher(seconds)}}[${w}])) / sum by (${BY}) (rate(${DURATION}_count[${w}]))`;

const volume = (series: string, w: string) => `sum by (${BY}) (increase(${series}[${w}]))`;
const pct = (share: number) => `${Number((share * 100).toPrecision(6))}%`;
const ratioAt = (burn: number, objective: number) => Number((burn * (1 - objective)).toPrecision(6));

interface Speed {
  name: 'fast' | 'slow';
  long: string;
  short: string;
  burn: number;
  for: string;
  severity: 'critical' | 'warning';
  spends: string;
}
const FAST: Speed = { name: 'fast', long: '1h', short: '5m', burn: 14.4, for: '2m', severity: 'critical', spends: '2% of a 30-day error budget in an hour' };
const SLOW: Speed = { name: 'slow', long: '6h', short: '30m', burn: 6, for: '15m', severity: 'warning', spends: '5% of a 30-day error budget in 6 hours' };

// --- promtool test series -------------------------------------------------------------
const req = (org: string, agent: string, status: string, source = 'push') =>
  `ai_arm_requests_total{organization_id="${org}",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",gen_ai_operation_name="chat",gen_ai_agent_id="${agent}",source="${source}"${source === 'push' ? `,status="${status}"` : ''}}`;
const vendor = (org: string, agent: string) =>
  `ai_arm_requests_total{organization_id="${org}",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",gen_ai_operation_name="chat",gen_ai_agent_id="${agent}",source="vendor_report"}`;
const bucket = (org: string, agent: string, le: string) => `${DURATION}_bucket{organization_id="${org}",gen_ai_agent_id="${agent}",le="${le}"}`;
const count = (org: string, agent: string) => `${DURATION}_count{organization_id="${org}",gen_ai_agent_id="${agent}"}`;

/** A per-minute counter: `perMinute` a minute for `minutes`, starting at 0. */
const steady = (perMinute: number, minutes: number) => `0+${perMinute}x${minutes}`;

/**
 * When a test looks: the conditions hold from the first short window on, so a test needs only
 * the short window, the rule's `for` and a margin, not the long window's full length (promtool
 * evaluates every rule each minute up to then; a 6-hour test would take seconds each).
 */
function timing(s: Speed) {
  const atMinutes = s === FAST ? 40 : 80;
  return { at: `${atMinutes}m`, atMinutes, minutes: atMinutes + 10, shortMinutes: s === FAST ? 5 : 30 };
}

/** Per minute, so that an agent makes a quarter of minRequests over the long window: too few to judge. */
const lowRate = (o: AgentObjectives, s: Speed) => Math.max(o.minRequests / (s === FAST ? 60 : 360) / 4, 0.001);

function errorTests(o: AgentObjectives, s: Speed): RuleTest[] {
  const { at, minutes, atMinutes, shortMinutes } = timing(s);
  const limit = ratioAt(s.burn, o.errorObjective);
  // Per minute out of 1000 requests: just over and just under the ratio that fires.
  const over = Math.ceil(limit * 1000 * 1.2);
  const under = Math.floor(limit * 1000 * 0.8);
  const lowTraffic = lowRate(o, s);
  // Failures end 10 minutes before the short window starts.
  const stop = atMinutes - shortMinutes - 10;
  return [
    {
      name: `${pct(over / 1000)} of requests failing fires, for that organisation's agent only; vendor-reported requests are not counted`,
      series: {
        [req('o1', 'a1', 'ok')]: steady(1000 - over, minutes),
        [req('o1', 'a1', 'error')]: steady(over, minutes),
        // The vendor's report of the same traffic would dilute the ratio below the limit if it were added.
        [vendor('o1', 'a1')]: steady(100_000, minutes),
        // The same agent id in another organisation, failing less.
        [req('o2', 'a1', 'ok')]: steady(1000 - under, minutes),
        [req('o2', 'a1', 'error')]: steady(under, minutes),
      },
      at,
      fires: [{ organization_id: 'o1', gen_ai_agent_id: 'a1' }],
    },
    {
      name: `${pct(under / 1000)} failing, and an agent under ${o.minRequests} requests failing half its calls, do not fire`,
      series: {
        [req('o1', 'a1', 'ok')]: steady(1000 - under, minutes),
        [req('o1', 'a1', 'error')]: steady(under, minutes),
        [req('o1', 'a2', 'ok')]: steady(lowTraffic, minutes),
        [req('o1', 'a2', 'error')]: steady(lowTraffic, minutes),
      },
      at,
      fires: [],
    },
    {
      // The multi-window part: the long window still remembers the burn, the short one says it is over.
      name: 'failures that stopped a short window ago do not fire',
      series: {
        [req('o1', 'a1', 'ok')]: steady(1000, minutes),
        [req('o1', 'a1', 'error')]: `0+500x${stop} ${500 * stop}x${minutes - stop}`,
      },
      at,
      fires: [],
    },
  ];
}

function latencyTests(o: AgentObjectives, s: Speed): RuleTest[] {
  const { at, minutes } = timing(s);
  const limit = ratioAt(s.burn, o.latencyObjective);
  const le = String(o.latencyThresholdSeconds);
  const overSlow = Math.ceil(limit * 1000 * 1.2);
  const underSlow = Math.floor(limit * 1000 * 0.8);
  return [
    {
      name: `${pct(overSlow / 1000)} of requests slower than ${le} s fires, the le spelling of Prometheus 3 (${le}.0) too`,
      series: {
        [bucket('o1', 'a1', le)]: steady(1000 - overSlow, minutes),
        [count('o1', 'a1')]: steady(1000, minutes),
        [bucket('o2', 'a1', le.includes('.') ? le : `${le}.0`)]: steady(1000 - overSlow, minutes),
        [count('o2', 'a1')]: steady(1000, minutes),
      },
      at,
      fires: [{ organization_id: 'o1', gen_ai_agent_id: 'a1' }, { organization_id: 'o2', gen_ai_agent_id: 'a1' }],
    },
    {
      name: `${pct(underSlow / 1000)} slower than ${le} s, and an agent under ${o.minRequests} requests all slow, do not fire`,
      series: {
        [bucket('o1', 'a1', le)]: steady(1000 - underSlow, minutes),
        [count('o1', 'a1')]: steady(1000, minutes),
        [bucket('o1', 'a2', le)]: steady(0, minutes),
        [count('o1', 'a2')]: steady(2 * lowRate(o, s), minutes),
      },
      at,
      fires: [],
    },
  ];
}

function errorRule(o: AgentObjectives, s: Speed): AlertRule {
  const threshold = ratioAt(s.burn, o.errorObjective);
  return {
    uid: `aiarm-agent-error-burn-${s.name}`,
    alert: s === FAST ? 'AiArmAgentErrorBudgetBurnFast' : 'AiArmAgentErrorBudgetBurnSlow',
    title: `Agent failing: error budget burning ${s.name}`,
    conditions: [
      { query: errorRatio(s.long), op: '>', threshold },
      { query: errorRatio(s.short), op: '>', threshold },
      { query: volume(PUSHED, s.long), op: '>', threshold: o.minRequests },
    ],
    for: s.for,
    severity: s.severity,
    team: 'platform',
    summary: `Agent {{ $labels.gen_ai_agent_id }} fails more than ${pct(threshold)} of its requests (${s.burn}x its error budget)`,
    description: `Over the last ${s.long} and the last ${s.short}, more than ${pct(threshold)} of the requests agent {{ $labels.gen_ai_agent_id }} of organization {{ $labels.organization_id }} pushed failed: ${s.burn} times the error budget of its ${pct(o.errorObjective)} objective, which spends ${s.spends}. The Latency and errors dashboard shows its errors by type.`,
    tests: errorTests(o, s),
  };
}

function latencyRule(o: AgentObjectives, s: Speed): AlertRule {
  const threshold = ratioAt(s.burn, o.latencyObjective);
  const t = o.latencyThresholdSeconds;
  return {
    uid: `aiarm-agent-latency-burn-${s.name}`,
    alert: s === FAST ? 'AiArmAgentLatencyBudgetBurnFast' : 'AiArmAgentLatencyBudgetBurnSlow',
    title: `Agent slow: latency budget burning ${s.name}`,
    conditions: [
      { query: slowShare(s.long, t), op: '>', threshold },
      { query: slowShare(s.short, t), op: '>', threshold },
      { query: volume(`${DURATION}_count`, s.long), op: '>', threshold: o.minRequests },
    ],
    for: s.for,
    severity: s.severity,
    team: 'platform',
    summary: `Agent {{ $labels.gen_ai_agent_id }} answers more than ${pct(threshold)} of its requests slower than ${t} s`,
    description: `Over the last ${s.long} and the last ${s.short}, more than ${pct(threshold)} of the requests agent {{ $labels.gen_ai_agent_id }} of organization {{ $labels.organization_id }} pushed took longer than ${t} s: ${s.burn} times the budget of its objective (${pct(o.latencyObjective)} within ${t} s), which spends ${s.spends}. The Latency and errors dashboard shows its p50, p95 and p99.`,
    tests: latencyTests(o, s),
  };
}

/** The four rules for the given objectives; the committed files use DEFAULT_AGENT_OBJECTIVES. */
export function agentSloRules(o: AgentObjectives = DEFAULT_AGENT_OBJECTIVES): AlertRule[] {
  checkObjectives(o);
  return [errorRule(o, FAST), errorRule(o, SLOW), latencyRule(o, FAST), latencyRule(o, SLOW)];
}
