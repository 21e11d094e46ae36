import type { QualityPoint } from '@ai-arm/schemas';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { iso } from '../../stores/clickhouse/time-text';
import { interactionFilter, scopeParams, TOKENS, type FigureScope } from './figures';

export type TrendStep = 'hour' | 'day';

const HOUR_MS = 3_600_000;
/** Hours up to three days (72 points at most), days beyond. */
export const stepOf = (from: Date, to: Date): TrendStep => (to.getTime() - from.getTime() <= 72 * HOUR_MS ? 'hour' : 'day');

interface Row {
  bucket: string;
  vfp: string;
  requests: string;
  p95: number;
  errors: string;
  answers: string;
  refusals: string;
  tokens: string;
  chars: string;
}

/**
 * The trend in one query: a point per bucket (UTC hours or days: the column is UTC) and version
 * seen in it, so a bucket in which the agent changed shows each version apart. Buckets without
 * requests have no point. `version` maps a fingerprint to its number.
 */
export async function trend(telemetry: TelemetryDb, s: FigureScope & { agentId: string }, step: TrendStep, version: (fingerprint: string) => number | null): Promise<QualityPoint[]> {
  const start = step === 'hour' ? 'toStartOfHour' : 'toStartOfDay';
  const rows = await telemetry.query<Row>(
    `SELECT toString(${start}(started_at)) AS bucket, toString(version_fingerprint) AS vfp, count() AS requests, quantile(0.95)(duration_ms) AS p95,
        countIf(status = 'error') AS errors, countIf(has_answer = 1) AS answers, countIf(has_answer = 1 AND refusal = 1) AS refusals,
        sum(${TOKENS}) AS tokens, sumIf(output_chars, has_answer = 1) AS chars, min(started_at) AS first_at
      FROM {db:Identifier}.interactions FINAL
      WHERE ${interactionFilter(s)}
      GROUP BY bucket, version_fingerprint
      ORDER BY bucket, first_at`,
    scopeParams(s),
  );
  return rows.map((r) => {
    const n = Number(r.requests);
    const answers = Number(r.answers);
    return {
      at: iso(r.bucket),
      version: version(r.vfp),
      requests: n,
      latencyP95Ms: Number.isFinite(r.p95) ? Math.round(r.p95 * 1000) / 1000 : null,
      errorRate: Number(r.errors) / n,
      refusalRate: answers > 0 ? Number(r.refusals) / answers : null,
      tokensPerRequest: Number(r.tokens) / n,
      outputLength: answers > 0 ? Number(r.chars) / answers : null,
    };
  });
}
