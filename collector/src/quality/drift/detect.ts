import type { DriftEvent, DriftMetric, QualitySettings } from '@ai-arm/schemas';
import { versionNumbers } from '../../interactions/versions';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { millisText } from '../../stores/clickhouse/time-text';
import type { SqlExecutor } from '../../stores/postgres/types';
import { answerDrift, type AnswerDriftDeps } from './answers';
import { driftEventId, windowsAt } from './windows';
import { binCount, binLevels, meanDeviation, rateMoments, psi, verdict, type Moments } from './stats';

export const MAX_SAMPLES = 20;

interface BucketRow {
  bucket: number;
  n: number;
  oks: number;
  errors: number;
  lat_sum: number;
  lat_sq: number;
  tok_sum: number;
  tok_sq: number;
  answers: number;
  refusals: number;
  len_sum: number;
  len_sq: number;
}

/**
 * The numeric metrics: how each is measured, and which rows count. Latency and tokens count
 * successful requests only (a failure's latency is a timeout or an instant refusal, and its
 * tokens are none: error_rate watches those); lengths and refusals count answers seen (content
 * in the telemetry). Latency, tokens and lengths are compared on the log scale: they are skewed,
 * with a long right tail that would otherwise make one slow request a shift of the mean, and a
 * change by a factor is the same size whatever the level. Their values are reported as
 * geometric means; rates as rates.
 */
interface NumericMetric {
  metric: Exclude<DriftMetric, 'answer_embedding'>;
  moments(r: BucketRow): Moments;
  log: boolean;
  /** SQL of the value per row, and of the rows it applies to, for the PSI histogram (null: a rate, PSI not used). */
  value: string | null;
  where: string;
}

const m = (n: number, sum: number, sumSq: number): Moments => ({ n: Number(n), sum: Number(sum), sumSq: Number(sumSq) });
const TOKENS = '(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens)';

const NUMERIC: readonly NumericMetric[] = [
  { metric: 'latency', moments: (r) => m(r.oks, r.lat_sum, r.lat_sq), log: true, value: 'duration_ms', where: "status = 'ok'" },
  { metric: 'error_rate', moments: (r) => rateMoments(Number(r.errors), Number(r.n)), log: false, value: null, where: '1' },
  { metric: 'refusal_rate', moments: (r) => rateMoments(Number(r.refusals), Number(r.answers)), log: false, value: null, where: 'has_answer = 1' },
  { metric: 'tokens_per_request', moments: (r) => m(r.oks, r.tok_sum, r.tok_sq), log: true, value: TOKENS, where: "status = 'ok'" },
  { metric: 'output_length', moments: (r) => m(r.answers, r.len_sum, r.len_sq), log: true, value: 'toFloat64(output_chars)', where: 'has_answer = 1' },
];

/** Rows of the agent in [from, to): every query of a check starts with it (organisation first). */
const RANGE = `organization_id = {org:UUID} AND agent_id = {agent:UUID} AND started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')}`;
const IS_CURRENT = `started_at >= {cur:DateTime64(3, 'UTC')}`;

export interface DetectDeps extends AnswerDriftDeps {
  telemetry: TelemetryDb;
  controlPlane: SqlExecutor;
}

/** What a check found: drift events (not yet stored), and what it measured, for the curious (bench, logs). */
export interface Detection {
  events: DriftEvent[];
  measured: { metric: DriftMetric; baseline: number; current: number; deviation: number; psi: number | null; samples: [number, number] }[];
}

/**
 * Compares the agent's current window with its baseline on every metric (see stats.ts). A
 * metric is judged only with settings.minSamples rows in each window; nothing is stored here.
 */
export async function detectDrift(deps: DetectDeps, organizationId: string, agentId: string, settings: QualitySettings, nowMs: number): Promise<Detection> {
  const w = windowsAt(settings, nowMs);
  const params = { org: organizationId, agent: agentId, from: millisText(w.baselineFrom), to: millisText(w.now), cur: millisText(w.currentFrom), curMs: w.currentFrom, bucketMs: w.bucketMs };
  const rows = await deps.telemetry.query<BucketRow>(
    `SELECT if(${IS_CURRENT}, -1, intDiv({curMs:Int64} - 1 - toUnixTimestamp64Milli(started_at), {bucketMs:Int64})) AS bucket,
        count() AS n, countIf(status = 'ok') AS oks, countIf(status = 'error') AS errors,
        sumIf(log1p(duration_ms), status = 'ok') AS lat_sum, sumIf(pow(log1p(duration_ms), 2), status = 'ok') AS lat_sq,
        sumIf(log1p(${TOKENS}), status = 'ok') AS tok_sum, sumIf(pow(log1p(${TOKENS}), 2), status = 'ok') AS tok_sq,
        countIf(has_answer = 1) AS answers, countIf(has_answer = 1 AND refusal = 1) AS refusals,
        sumIf(log1p(output_chars), has_answer = 1) AS len_sum, sumIf(pow(log1p(output_chars), 2), has_answer = 1) AS len_sq
      FROM {db:Identifier}.interactions FINAL WHERE ${RANGE} GROUP BY bucket`,
    params,
  );
  const current = rows.find((r) => Number(r.bucket) === -1);
  const buckets = rows.filter((r) => Number(r.bucket) >= 0);
  const events: DriftEvent[] = [];
  const measured: Detection['measured'] = [];
  if (!current || buckets.length === 0) return { events, measured };

  const found: { metric: DriftMetric; ev: Omit<DriftEvent, 'id' | 'agentId' | 'detectedAt' | 'metric' | 'version' | 'versionChanged' | 'samples'>; sampleSql: SampleQuery }[] = [];
  for (const metric of NUMERIC) {
    const cur = metric.moments(current);
    const baseMoments = buckets.map(metric.moments);
    const nBase = baseMoments.reduce((a, b) => a + b.n, 0);
    if (cur.n < settings.minSamples || nBase < settings.minSamples) continue;
    const d = meanDeviation(baseMoments, cur, metric.log ? 1 : undefined);
    const p = metric.value ? await histogramPsi(deps.telemetry, params, metric.value, metric.where, binCount(Math.min(cur.n, nBase))) : null;
    const out = metric.log ? Math.expm1 : (x: number) => x;
    measured.push({ metric: metric.metric, baseline: out(d.baseline), current: out(d.current), deviation: d.deviation, psi: p, samples: [nBase, cur.n] });
    const v = verdict(d.deviation, p, settings);
    if (!v.drift) continue;
    found.push({
      metric: metric.metric,
      ev: {
        method: v.method, baselineValue: out(d.baseline), currentValue: out(d.current), deviation: d.deviation, psi: p, direction: v.direction,
        baseline: { from: iso(w.baselineFrom), to: iso(w.currentFrom), samples: nBase }, current: { from: iso(w.currentFrom), to: iso(w.now), samples: cur.n },
      },
      sampleSql: sampleQuery(metric, v.direction),
    });
  }

  const answers = deps.embedder ? await answerDrift(deps, organizationId, agentId, settings, w) : null;
  if (answers) {
    measured.push({ metric: 'answer_embedding', baseline: answers.baseline, current: answers.current, deviation: answers.deviation, psi: answers.psi, samples: [answers.baselineSamples, answers.currentSamples] });
    const v = verdict(answers.deviation, answers.psi, settings);
    if (v.drift) {
      found.push({
        metric: 'answer_embedding',
        ev: {
          method: v.method, baselineValue: answers.baseline, currentValue: answers.current, deviation: answers.deviation, psi: answers.psi, direction: v.direction,
          baseline: { from: iso(w.baselineFrom), to: iso(w.currentFrom), samples: answers.baselineSamples }, current: { from: iso(w.currentFrom), to: iso(w.now), samples: answers.currentSamples },
        },
        sampleSql: { ids: answers.farthest },
      });
    }
  }
  if (found.length === 0) return { events, measured };

  const version = await versionOf(deps, organizationId, agentId, params);
  for (const f of found) {
    events.push({
      id: driftEventId(organizationId, agentId, f.metric, w.currentFrom),
      agentId,
      detectedAt: iso(nowMs),
      metric: f.metric,
      ...f.ev,
      version: version.version,
      versionChanged: version.changed,
      samples: 'ids' in f.sampleSql ? f.sampleSql.ids.slice(0, MAX_SAMPLES) : await sampleIds(deps.telemetry, params, f.sampleSql),
    });
  }
  return { events, measured };
}

const iso = (ms: number) => new Date(ms).toISOString();

type Params = Record<string, string | number>;

/**
 * PSI of one value's distribution, current against baseline, in one statement: the baseline's
 * quantiles cut the bins (ties merged, so a heavily repeated value is one bin, not several
 * empty ones), and both windows are counted per bin server-side. None (null) when the baseline
 * is one value: any change at all then moves every current row into a bin the baseline left
 * empty (400 tokens a request throughout, then 401: PSI 18, "critical drift"); the mean test
 * and its floor judge that case.
 */
async function histogramPsi(telemetry: TelemetryDb, params: Params, value: string, where: string, bins: number): Promise<number | null> {
  const levels = binLevels(bins).map((l) => l.toFixed(6)).join(', ');
  const rows = await telemetry.query<{ is_current: number; bin: number; c: number }>(
    `WITH (SELECT arraySort(arrayDistinct(quantilesExact(${levels})(${value}))) FROM {db:Identifier}.interactions FINAL
             WHERE ${RANGE} AND NOT ${IS_CURRENT} AND ${where}) AS edges
     SELECT ${IS_CURRENT} AS is_current, arrayCount(e -> e < ${value}, edges) AS bin, count() AS c
       FROM {db:Identifier}.interactions FINAL WHERE ${RANGE} AND ${where} GROUP BY is_current, bin`,
    params,
  );
  const size = Math.max(0, ...rows.map((r) => Number(r.bin))) + 1;
  const base = new Array<number>(size).fill(0);
  const cur = new Array<number>(size).fill(0);
  for (const r of rows) (Number(r.is_current) ? cur : base)[Number(r.bin)] = Number(r.c);
  if (base.filter((c) => c > 0).length < 2) return null;
  return psi(base, cur);
}

/** Which current-window rows show a drift: a filter and an order, or ids already chosen. */
type SampleQuery = { where: string; order: string; medianOf?: string } | { ids: string[] };

function sampleQuery(metric: NumericMetric, direction: 'up' | 'down' | 'shift'): SampleQuery {
  switch (metric.metric) {
    case 'error_rate':
      return direction === 'down' ? { where: "status = 'ok'", order: 'started_at DESC' } : { where: "status = 'error'", order: 'started_at DESC' };
    case 'refusal_rate':
      return direction === 'down' ? { where: 'has_answer = 1 AND refusal = 0', order: 'started_at DESC' } : { where: 'has_answer = 1 AND refusal = 1', order: 'started_at DESC' };
    default: {
      const v = metric.value!;
      // A change of shape: the rows farthest (by factor) from the baseline's median.
      if (direction === 'shift') return { where: metric.where, order: `abs(log1p(${v}) - {median:Float64}) DESC`, medianOf: v };
      return { where: metric.where, order: `${v} ${direction === 'up' ? 'DESC' : 'ASC'}` };
    }
  }
}

async function sampleIds(telemetry: TelemetryDb, params: Params, q: { where: string; order: string; medianOf?: string }): Promise<string[]> {
  let median = 0;
  if (q.medianOf) {
    const value = q.medianOf;
    const [row] = await telemetry.query<{ med: number }>(
      `SELECT log1p(quantileExact(0.5)(${value})) AS med FROM {db:Identifier}.interactions FINAL WHERE ${RANGE} AND NOT ${IS_CURRENT} AND ${q.where}`,
      params,
    );
    median = Number(row?.med ?? 0);
  }
  const rows = await telemetry.query<{ id: string }>(
    `SELECT id FROM {db:Identifier}.interactions FINAL WHERE ${RANGE} AND ${IS_CURRENT} AND ${q.where} ORDER BY ${q.order}, id LIMIT {n:UInt32}`,
    { ...params, median, n: MAX_SAMPLES },
  );
  return rows.map((r) => r.id);
}

/**
 * The version in force: the highest-numbered version seen in the current window (numbers from
 * agent_versions; a fingerprint not numbered there is left out). Changed: a version seen in the
 * current window that the baseline never saw, so the drift may start with it.
 */
async function versionOf(deps: DetectDeps, organizationId: string, agentId: string, params: Params): Promise<{ version: number | null; changed: boolean }> {
  const rows = await deps.telemetry.query<{ fp: string; before: number; during: number }>(
    `SELECT version_fingerprint AS fp, countIf(NOT ${IS_CURRENT}) AS before, countIf(${IS_CURRENT}) AS during
       FROM {db:Identifier}.interactions FINAL WHERE ${RANGE} GROUP BY fp`,
    params,
  );
  const numbers = await versionNumbers(deps.controlPlane, organizationId, [agentId]);
  let version: number | null = null;
  let changed = false;
  for (const r of rows) {
    if (Number(r.during) === 0) continue;
    if (Number(r.before) === 0) changed = true;
    const n = numbers.get(`${agentId}|${r.fp.replace(/\0+$/, '').trim()}`);
    if (n !== undefined && (version === null || n > version)) version = n;
  }
  return { version, changed };
}
