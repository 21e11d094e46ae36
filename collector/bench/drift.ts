/**
 * Drift detection against streams whose shifts are known: detection rate, delay and false alarms.
 *   npm run bench:drift [-- --days 14 --shift-day 11 --every 3 --agents 6 --stable 12]
 * Synthetic agents push two weeks of requests into a real chdb interactions table: traffic with a
 * daily cycle (peak in the afternoon, trough at night) and quieter weekends, latency that rises
 * with load, day-to-day wobble of every figure, rare incident hours (errors and slow requests),
 * and 2 to 40 requests an hour per agent (some near minSamples). Each shifted scenario changes
 * one thing at `shift-day` plus a random hour: latency ×1.5 (mean shift), latency spread ×2 with
 * the same median (variance), answers turning bimodal around the same median length (shape), a
 * new version with 40% more tokens (version), error rate +4 points (error rate). Stable agents
 * change nothing. The detector runs every `every` hours from day 8 (a full baseline) on, and what
 * it measured is kept, so the thresholds are swept without re-running it.
 *
 * Figures, per scenario and overall, for the thresholds given (default QUALITY_DEFAULTS):
 * - detection rate: shifted agents whose expected metric was flagged after the shift;
 * - median delay: hours from the shift to that first flag;
 * - false alarms per agent-week: runs of consecutive flags of one metric (an alert episode) on
 *   stable agents and before the shift on shifted ones, per week of checked time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DriftMetric, QualitySettings } from '@ai-arm/schemas';
import { microsText } from '../src/interactions/rows';
import { detectDrift } from '../src/quality/drift/detect';
import { verdict } from '../src/quality/drift/stats';
import { QUALITY_DEFAULTS } from '../src/quality/settings';
import { openTelemetryDb } from '../src/stores/clickhouse/client';
import { migrateClickHouse } from '../src/stores/clickhouse/migrate';
import { migratePostgres } from '../src/stores/postgres/migrate';
import { openPGlite } from '../src/stores/postgres/pglite';
import { asSystem, asTenant } from '../src/stores/tenant-scope';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '14' },
    'shift-day': { type: 'string', default: '11' },
    every: { type: 'string', default: '3' },
    agents: { type: 'string', default: '6' },
    stable: { type: 'string', default: '12' },
    'min-samples': { type: 'string', default: String(QUALITY_DEFAULTS.minSamples) },
    'current-hours': { type: 'string', default: String(QUALITY_DEFAULTS.currentHours) },
    'baseline-hours': { type: 'string', default: String(QUALITY_DEFAULTS.baselineHours) },
    seed: { type: 'string', default: '7' },
  },
});
const DAYS = Number(values.days);
const SHIFT_DAY = Number(values['shift-day']);
const EVERY_H = Number(values.every);
const PER_SCENARIO = Number(values.agents);
const STABLE = Number(values.stable);
const SETTINGS: QualitySettings = { ...QUALITY_DEFAULTS, minSamples: Number(values['min-samples']), currentHours: Number(values['current-hours']), baselineHours: Number(values['baseline-hours']) };
const HOUR = 3_600_000;
/** A Monday, 00:00 UTC. */
const T0 = Date.UTC(2026, 0, 5);

let state = Number(values.seed) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const poisson = (mean: number) => {
  // Knuth for small means, normal approximation above.
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
  const l = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > l; p *= random()) k++;
  return k;
};

type Scenario = 'stable' | 'mean_shift' | 'variance' | 'shape' | 'version' | 'error_rate';
const EXPECTED: Record<Exclude<Scenario, 'stable'>, DriftMetric> = { mean_shift: 'latency', variance: 'latency', shape: 'output_length', version: 'tokens_per_request', error_rate: 'error_rate' };

interface Agent {
  id: string;
  org: string;
  scenario: Scenario;
  perHour: number;
  latencyMs: number;
  tokens: number;
  errorRate: number;
  chars: number;
  shiftAt: number;
}

const uuid = () => {
  const h = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** Share of the day's traffic in an hour: trough at 03:00, peak at 15:00; weekends at 60%. */
function load(atMs: number): number {
  const d = new Date(atMs);
  const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6 ? 0.6 : 1;
  return weekend * (1 + 0.7 * Math.sin((2 * Math.PI * (hour - 9)) / 24));
}

function rowsOf(a: Agent, fpOld: string, fpNew: string): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const end = T0 + DAYS * 24 * HOUR;
  let day = -1;
  let dayFactors = { lat: 1, tok: 1, err: 1, chars: 1 };
  for (let h = T0; h < end; h += HOUR) {
    const d = Math.floor((h - T0) / (24 * HOUR));
    if (d !== day) {
      day = d;
      // Day to day, every figure wobbles a little (upstream, the mix of users).
      dayFactors = { lat: Math.exp(0.06 * normal()), tok: Math.exp(0.05 * normal()), err: Math.exp(0.25 * normal()), chars: Math.exp(0.05 * normal()) };
    }
    const incident = random() < 0.005;
    const n = poisson(a.perHour * load(h));
    for (let i = 0; i < n; i++) {
      const at = h + Math.floor(random() * HOUR);
      const shifted = a.scenario !== 'stable' && at >= a.shiftAt;
      let latSigma = 0.5;
      let lat = a.latencyMs * dayFactors.lat * (1 + 0.15 * (load(at) - 1)) * (incident ? 2 : 1);
      let tokens = a.tokens * dayFactors.tok;
      let errorRate = Math.min(0.9, a.errorRate * dayFactors.err + (incident ? 0.2 : 0));
      let chars = a.chars * dayFactors.chars * Math.exp(0.6 * normal());
      let fp = fpOld;
      if (shifted) {
        if (a.scenario === 'mean_shift') lat *= 1.5;
        if (a.scenario === 'variance') latSigma = 1.0;
        if (a.scenario === 'shape') chars = a.chars * dayFactors.chars * Math.exp((random() < 0.5 ? -0.9 : 0.9) + 0.25 * normal());
        if (a.scenario === 'version') {
          tokens *= 1.4;
          fp = fpNew;
        }
        if (a.scenario === 'error_rate') errorRate += 0.04;
      }
      const error = random() < errorRate;
      const tok = Math.round(tokens * Math.exp(0.4 * normal()));
      const outputChars = error ? 0 : Math.max(1, Math.round(chars));
      rows.push({
        organization_id: a.org, agent_id: a.id, id: `${a.id.slice(0, 8)}-${at}-${i}`, source: 'api', started_at: microsText(at),
        duration_ms: Math.max(1, lat * Math.exp(latSigma * normal())), provider: 'openai', operation: 'chat', request_model: 'gpt-4o-mini', response_model: 'gpt-4o-mini',
        version_fingerprint: fp, input_tokens: Math.round(tok * 0.8), output_tokens: tok - Math.round(tok * 0.8), cache_read_tokens: 0, cache_write_tokens: 0,
        status: error ? 'error' : 'ok', error_type: error ? 'server_error' : '', content: '', refusal: !error && random() < 0.02 ? 1 : 0, output_chars: outputChars, has_answer: error ? 0 : 1,
        attributes: {}, ingested_at: microsText(at).slice(0, 23),
      });
    }
  }
  return rows;
}

interface Check {
  agent: Agent;
  at: number;
  measured: { metric: DriftMetric; deviation: number; psi: number | null }[];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-drift-'));
  const telemetry = await openTelemetryDb({ url: null, dataDir: join(dir, 'chdb'), database: 'bench_drift' });
  const controlPlane = await openPGlite(null);
  try {
    await migrateClickHouse(telemetry);
    await migratePostgres(controlPlane);
    const [{ id: org }] = (await asSystem('bench', () => controlPlane.query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('bench', 'bench') RETURNING id"))) as [{ id: string }];
    const agents: Agent[] = [];
    const scenarios: Scenario[] = ['mean_shift', 'variance', 'shape', 'version', 'error_rate'];
    const make = (scenario: Scenario): Agent => ({
      id: uuid(), org, scenario,
      perHour: Math.round(2 + 38 * random() ** 1.5),
      latencyMs: 400 + 2600 * random(), tokens: 500 + 2500 * random(), errorRate: 0.005 + 0.03 * random(), chars: 300 + 1500 * random(),
      shiftAt: T0 + SHIFT_DAY * 24 * HOUR + Math.floor(random() * 24) * HOUR,
    });
    for (const s of scenarios) for (let i = 0; i < PER_SCENARIO; i++) agents.push(make(s));
    for (let i = 0; i < STABLE; i++) agents.push(make('stable'));

    const fpOld = 'a'.repeat(64);
    const fpNew = 'b'.repeat(64);
    let total = 0;
    const insertStart = performance.now();
    for (const a of agents) {
      await asSystem('bench', async () => {
        const [row] = await controlPlane.query<{ id: string }>("INSERT INTO agents (id, organization_id, vendor, vendor_agent_id, name) VALUES ($1, $2, 'CUSTOM', $3, $3) RETURNING id", [a.id, org, a.id]);
        await controlPlane.query("INSERT INTO agent_versions (organization_id, agent_id, fingerprint, version, model, tool_names, first_seen_at, last_seen_at) VALUES ($1, $2, $3, 1, 'gpt-4o-mini', '{}', now(), now()), ($1, $2, $4, 2, 'gpt-4o-mini', '{}', now(), now())", [org, row!.id, fpOld, fpNew]);
      });
      const rows = rowsOf(a, fpOld, fpNew);
      total += rows.length;
      for (let i = 0; i < rows.length; i += 5000) await telemetry.insert('interactions', rows.slice(i, i + 5000));
    }
    console.log(`drift bench: ${agents.length} agents (${PER_SCENARIO} per shifted scenario, ${STABLE} stable), ${total.toLocaleString('en')} interactions over ${DAYS} days in ${((performance.now() - insertStart) / 1000).toFixed(1)} s; shift on day ${SHIFT_DAY}; checks every ${EVERY_H} h from day 8`);
    console.log(`settings: baseline ${SETTINGS.baselineHours} h, current ${SETTINGS.currentHours} h, minSamples ${SETTINGS.minSamples}`);

    const checks: Check[] = [];
    const firstCheck = T0 + (SETTINGS.baselineHours + SETTINGS.currentHours) * HOUR;
    const end = T0 + DAYS * 24 * HOUR;
    const times: number[] = [];
    let versionOk = 0;
    let versionEvents = 0;
    const runStart = performance.now();
    for (const a of agents) {
      for (let at = firstCheck; at <= end; at += EVERY_H * HOUR) {
        const t0 = performance.now();
        const d = await asTenant(org, () => detectDrift({ telemetry, controlPlane }, org, a.id, SETTINGS, at));
        times.push(performance.now() - t0);
        checks.push({ agent: a, at, measured: d.measured });
        if (a.scenario === 'version' && at >= a.shiftAt && at < a.shiftAt + SETTINGS.currentHours * HOUR) {
          for (const e of d.events) {
            versionEvents++;
            if (e.version === 2 && e.versionChanged) versionOk++;
          }
        }
      }
    }
    times.sort((x, y) => x - y);
    console.log(`${checks.length} checks in ${((performance.now() - runStart) / 1000).toFixed(1)} s: per check p50 ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms, p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(0)} ms`);
    console.log(`version scenario: ${versionOk}/${versionEvents} events inside the first current window after the change name version 2 with versionChanged\n`);

    if (process.env.DRIFT_DUMP) writeFileSync(process.env.DRIFT_DUMP, JSON.stringify(checks.map((c) => ({ scenario: c.agent.scenario, perHour: c.agent.perHour, at: c.at, shiftAt: c.agent.shiftAt, measured: c.measured }))));
    report(checks, { sigma: SETTINGS.sigma, psi: SETTINGS.psi }, true);
    console.log('\nthreshold sweep (overall):');
    console.log('sigma  psi   detected  median delay h  false alarms / agent-week');
    for (const sigma of [2.5, 3, 3.5, 4, 5]) {
      for (const psiT of [0.1, 0.25, 0.4]) {
        const o = report(checks, { sigma, psi: psiT }, false);
        console.log(`${sigma.toFixed(1).padStart(5)}  ${psiT.toFixed(2)}  ${pct(o.rate).padStart(8)}  ${fmt(o.delay).padStart(14)}  ${o.fa.toFixed(2).padStart(10)}`);
      }
    }
  } finally {
    await telemetry.close();
    await controlPlane.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const fmt = (x: number | null) => (x === null ? '-' : x.toFixed(1));
const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function report(checks: Check[], t: { sigma: number; psi: number }, print: boolean): { rate: number; delay: number | null; fa: number } {
  const flagged = (c: Check) => new Set(c.measured.filter((m) => verdict(m.deviation, m.psi, t).drift).map((m) => m.metric));
  const byAgent = new Map<Agent, Check[]>();
  for (const c of checks) byAgent.set(c.agent, [...(byAgent.get(c.agent) ?? []), c]);
  const falseBy = new Map<DriftMetric, number>();
  const rows: { scenario: string; detected: number; agents: number; delays: number[]; episodes: number; weeks: number }[] = [];
  for (const scenario of ['mean_shift', 'variance', 'shape', 'version', 'error_rate', 'stable'] as const) {
    const r = { scenario, detected: 0, agents: 0, delays: [] as number[], episodes: 0, weeks: 0 };
    for (const [agent, cs] of byAgent) {
      if (agent.scenario !== scenario) continue;
      r.agents++;
      // False alarms: episodes of flags before the shift (all the time for stable agents).
      const quiet = cs.filter((c) => scenario === 'stable' || c.at < agent.shiftAt);
      r.weeks += (quiet.length * EVERY_H) / (24 * 7);
      let open = new Set<DriftMetric>();
      for (const c of quiet) {
        const f = flagged(c);
        for (const m of f) {
          if (open.has(m)) continue;
          r.episodes++;
          falseBy.set(m, (falseBy.get(m) ?? 0) + 1);
        }
        open = f;
      }
      if (scenario !== 'stable') {
        const hit = cs.find((c) => c.at >= agent.shiftAt && flagged(c).has(EXPECTED[scenario]));
        if (hit) {
          r.detected++;
          r.delays.push((hit.at - agent.shiftAt) / HOUR);
        }
      }
    }
    rows.push(r);
  }
  const shifted = rows.filter((r) => r.scenario !== 'stable');
  const all = { detected: shifted.reduce((a, r) => a + r.detected, 0), agents: shifted.reduce((a, r) => a + r.agents, 0), delays: shifted.flatMap((r) => r.delays), episodes: rows.reduce((a, r) => a + r.episodes, 0), weeks: rows.reduce((a, r) => a + r.weeks, 0) };
  if (print) {
    console.log(`thresholds sigma ${t.sigma}, psi ${t.psi}:`);
    console.log('scenario      detected   median delay h   false alarms / agent-week (weeks checked)');
    for (const r of [...rows, { scenario: 'overall', ...all }]) {
      const det = r.scenario === 'stable' ? '-' : `${r.detected}/${r.agents}`;
      console.log(`${r.scenario.padEnd(12)}  ${det.padStart(8)}   ${fmt(median(r.delays)).padStart(14)}   ${(r.weeks > 0 ? r.episodes / r.weeks : 0).toFixed(2).padStart(6)} (${r.weeks.toFixed(1)})`);
    }
    console.log(`false alarms by metric: ${[...falseBy].map(([m, n]) => `${m} ${n}`).join(', ') || 'none'}`);
  }
  return { rate: all.agents ? all.detected / all.agents : 0, delay: median(all.delays), fa: all.weeks ? all.episodes / all.weeks : 0 };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
