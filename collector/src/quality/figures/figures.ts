import type { QualityFigures } from '@ai-arm/schemas';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { millisText } from '../../stores/clickhouse/time-text';

/**
 * Quality figures straight from the stored interactions (and feedback), three queries per call
 * whatever the number of groups: the requests' figures, consistency, feedback. A group is one
 * version of one agent (with the agent's total beside them) or one agent of the organisation.
 * ClickHouse returns counts and sums; ratios and means are divided here, so a figure with nothing
 * under it is null rather than NaN, and rates are exact fractions of whole counts.
 */
export interface FigureScope {
  organizationId: string;
  /** [from, to): started_at for interactions, created_at for feedback. */
  from: Date;
  to: Date;
  /** One agent (needed to group by version). */
  agentId?: string;
  /** One version's fingerprint: only its interactions, and the feedback on them. */
  fingerprint?: string;
}

/** version: each version fingerprint of the one agent, plus the agent's total under TOTAL; agent: each agent. */
export type FigureGroups = 'version' | 'agent';
/** The key of the whole window's figures when grouping by version. */
export const TOTAL = '*';

/** Both inclusive of every request (errors too): what the interactions row says of each. */
export const TOKENS = 'input_tokens + output_tokens + cache_read_tokens + cache_write_tokens';

/** The figures of one group as ClickHouse counts them, before any division. */
export interface RequestSums {
  requests: number;
  latency: [number, number, number] | null;
  errors: number;
  answers: number;
  refusals: number;
  tokens: number;
  outputTokens: number;
  chars: number;
  /** Earliest started_at of the group in the window, ClickHouse text. */
  firstAt: string;
}

interface FeedbackSums {
  feedback: number;
  completed: number;
  notCompleted: number;
  rated: number;
  ratingSum: number;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
/** Quantiles interpolate in doubles (95.49999...): microseconds are all a latency in ms needs. */
const ms = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : Math.round(v * 1000) / 1000);

/** The WHERE of an interactions read in this scope (organisation first, then the sort key's order). */
export function interactionFilter(s: FigureScope): string {
  return [
    'organization_id = {org:UUID}',
    s.agentId ? 'AND agent_id = {agent:UUID}' : '',
    'AND started_at >= {from:DateTime64(6)} AND started_at < {to:DateTime64(6)}',
    s.fingerprint ? 'AND version_fingerprint = {fp:String}' : '',
  ].join(' ');
}

export const scopeParams = (s: FigureScope) => ({ org: s.organizationId, agent: s.agentId ?? '', from: millisText(s.from.getTime()), to: millisText(s.to.getTime()), fp: s.fingerprint ?? '' });

/**
 * Group key and grouping of each read. By version, GROUPING SETS give each version and the
 * agent's total in one pass (grouping() = 1 on the total row). No alias takes a column's name.
 */
function grouping(groups: FigureGroups, inner?: string): { key: string; total: string; by: string } {
  if (groups === 'agent') return { key: 'toString(agent_id) AS k', total: '0 AS total', by: inner ? `GROUP BY ${inner}, agent_id` : 'GROUP BY agent_id' };
  const by = inner ? `GROUP BY GROUPING SETS ((${inner}, version_fingerprint), (${inner}))` : 'GROUP BY GROUPING SETS ((version_fingerprint), ())';
  return { key: 'toString(version_fingerprint) AS k', total: 'grouping(version_fingerprint) AS total', by };
}
const keyOf = (r: { k: string; total: number | string }) => (Number(r.total) === 1 ? TOTAL : r.k);

interface RequestRow {
  k: string;
  total: number;
  requests: string;
  latency: number[];
  errors: string;
  answers: string;
  refusals: string;
  tokens: string;
  out_tokens: string;
  chars: string;
  first_at: string;
}

/** Requests, latency quantiles, errors, refusals, tokens and answer length of each group. */
export async function requestSums(telemetry: TelemetryDb, s: FigureScope, groups: FigureGroups): Promise<Map<string, RequestSums>> {
  const g = grouping(groups);
  // quantiles(): exact (linear interpolation) up to 8,192 requests per group, a uniform sample of
  // that many beyond, so a busy agent's window costs bounded memory.
  const rows = await telemetry.query<RequestRow>(
    `SELECT ${g.key}, ${g.total}, count() AS requests, quantiles(0.5, 0.95, 0.99)(duration_ms) AS latency,
        countIf(status = 'error') AS errors, countIf(has_answer = 1) AS answers, countIf(has_answer = 1 AND refusal = 1) AS refusals,
        sum(${TOKENS}) AS tokens, sum(output_tokens) AS out_tokens, sumIf(output_chars, has_answer = 1) AS chars, toString(min(started_at)) AS first_at
      FROM {db:Identifier}.interactions FINAL
      WHERE ${interactionFilter(s)}
      ${g.by}`,
    scopeParams(s),
  );
  const out = new Map<string, RequestSums>();
  for (const r of rows) {
    const requests = Number(r.requests);
    if (requests === 0) continue;
    out.set(keyOf(r), {
      requests,
      latency: r.latency.length === 3 ? [r.latency[0]!, r.latency[1]!, r.latency[2]!] : null,
      errors: Number(r.errors),
      answers: Number(r.answers),
      refusals: Number(r.refusals),
      tokens: Number(r.tokens),
      outputTokens: Number(r.out_tokens),
      chars: Number(r.chars),
      firstAt: r.first_at,
    });
  }
  return out;
}

/**
 * Consistency of each group: answers to the same prompt (same non-empty prompt_key, two answers
 * or more) compared by the Hamming distance of their 64-bit simhashes. Each answer's divergence is
 * its mean distance to the other answers of its prompt / 64; consistency is 1 - the mean over all
 * such answers. That mean of bitCount(bitXor(a, b)) over a prompt's ordered pairs is computed from
 * how many answers set each bit (a pair differs in bit b for c_b * (n - c_b) of them, counted
 * twice in order), linear in the answers rather than quadratic: a prompt asked 10,000 times
 * would otherwise make 10^8 pairs. Across versions by version (a new version's answers are
 * compared with each other), across them all for the total.
 */
export async function consistency(telemetry: TelemetryDb, s: FigureScope, groups: FigureGroups): Promise<Map<string, number>> {
  const g = grouping(groups, 'prompt_key');
  const rows = await telemetry.query<{ k: string; total: number; divergence: number }>(
    `SELECT k, total, sum(n * divergence) / sum(n) AS divergence FROM (
        SELECT ${g.key}, ${g.total}, count() AS n,
          sumForEach(arrayMap(b -> toUInt64(bitTest(answer_simhash, b)), range(64))) AS bits,
          2 * arraySum(arrayMap(c -> c * (n - c), bits)) / (n * (n - 1) * 64) AS divergence
        FROM {db:Identifier}.interactions FINAL
        WHERE ${interactionFilter(s)} AND has_answer = 1 AND prompt_key != ''
        ${g.by}
        HAVING n >= 2
      ) GROUP BY k, total`,
    scopeParams(s),
  );
  return new Map(rows.map((r) => [keyOf(r), 1 - Number(r.divergence)]));
}

interface FeedbackRow {
  k: string;
  total: number;
  feedback: string;
  completed: string;
  not_completed: string;
  rated: string;
  rating_sum: string | null;
}

/**
 * Feedback given in the window. By version, feedback is that version's when the interaction it
 * names is one of its requests (whenever that ran); feedback naming no interaction counts only in
 * the total. With a fingerprint, only feedback on that version's interactions.
 */
export async function feedbackSums(telemetry: TelemetryDb, s: FigureScope, groups: FigureGroups): Promise<Map<string, FeedbackSums>> {
  const window = 'organization_id = {org:UUID} ' + (s.agentId ? 'AND agent_id = {agent:UUID} ' : '') + 'AND created_at >= {from:DateTime64(3)} AND created_at < {to:DateTime64(3)}';
  const figures = `count() AS feedback, countIf(fb_label = 'completed') AS completed, countIf(fb_label = 'not_completed') AS not_completed,
      count(fb_rating) AS rated, sum(fb_rating) AS rating_sum`;
  const sql =
    groups === 'agent'
      ? `SELECT toString(agent_id) AS k, 0 AS total, ${figures}
          FROM (SELECT agent_id, label AS fb_label, rating AS fb_rating FROM {db:Identifier}.quality_feedback FINAL WHERE ${window})
          GROUP BY agent_id`
      : `SELECT toString(vfp) AS k, grouping(vfp) AS total, ${figures}
          FROM (SELECT label AS fb_label, rating AS fb_rating, interaction_id AS fb_interaction FROM {db:Identifier}.quality_feedback FINAL WHERE ${window}) AS f
          LEFT JOIN (
            SELECT id AS iid, version_fingerprint AS vfp FROM {db:Identifier}.interactions FINAL
             WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID}
               AND id IN (SELECT interaction_id FROM {db:Identifier}.quality_feedback WHERE ${window} AND interaction_id != '')
             LIMIT 1 BY id
          ) AS i ON i.iid = f.fb_interaction
          ${s.fingerprint ? 'WHERE vfp = {fp:String}' : ''}
          GROUP BY GROUPING SETS ((vfp), ())`;
  const rows = await telemetry.query<FeedbackRow>(sql, scopeParams(s));
  const out = new Map<string, FeedbackSums>();
  for (const r of rows) {
    const feedback = Number(r.feedback);
    if (feedback === 0) continue;
    out.set(keyOf(r), { feedback, completed: Number(r.completed), notCompleted: Number(r.not_completed), rated: Number(r.rated), ratingSum: Number(r.rating_sum ?? 0) });
  }
  return out;
}

/** The figures of a group from its sums; any part may be missing (no requests, no feedback). */
export function toFigures(req: RequestSums | undefined, consistent: number | undefined, fb: FeedbackSums | undefined): QualityFigures {
  const n = req?.requests ?? 0;
  return {
    requests: n,
    latencyMs: { p50: ms(req?.latency?.[0]), p95: ms(req?.latency?.[1]), p99: ms(req?.latency?.[2]) },
    errorRate: ratio(req?.errors ?? 0, n),
    refusalRate: ratio(req?.refusals ?? 0, req?.answers ?? 0),
    tokensPerRequest: ratio(req?.tokens ?? 0, n),
    outputTokens: ratio(req?.outputTokens ?? 0, n),
    outputLength: ratio(req?.chars ?? 0, req?.answers ?? 0),
    taskCompletion: ratio(fb?.completed ?? 0, (fb?.completed ?? 0) + (fb?.notCompleted ?? 0)),
    // Ratings 1..5 onto 0..1.
    userSatisfaction: fb && fb.rated > 0 ? (fb.ratingSum / fb.rated - 1) / 4 : null,
    consistency: consistent ?? null,
    feedbackCount: fb?.feedback ?? 0,
  };
}

/** Every group's figures: the three reads at once. */
export async function figuresBy(telemetry: TelemetryDb, s: FigureScope, groups: FigureGroups): Promise<{ requests: Map<string, RequestSums>; figures: Map<string, QualityFigures> }> {
  const [requests, consistent, feedback] = await Promise.all([requestSums(telemetry, s, groups), consistency(telemetry, s, groups), feedbackSums(telemetry, s, groups)]);
  const keys = new Set([...requests.keys(), ...feedback.keys()]);
  const figures = new Map<string, QualityFigures>();
  for (const k of keys) figures.set(k, toFigures(requests.get(k), consistent.get(k), feedback.get(k)));
  return { requests, figures };
}
