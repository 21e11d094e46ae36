import type { QualityMetricsResult } from '@ai-arm/schemas';
import { ApiError } from '../../errors';
import { listVersions } from '../../interactions/versions';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { iso } from '../../stores/clickhouse/time-text';
import type { SqlExecutor } from '../../stores/postgres/types';
import { figuresBy, toFigures, TOTAL, type FigureScope } from './figures';
import { stepOf, trend } from './trend';

export interface MetricsQuery {
  organizationId: string;
  agentId: string;
  from: Date;
  to: Date;
  /** One version's figures only; null: all of them. */
  version: number | null;
}

/**
 * An agent's quality over a window: the figures, the same per version seen in it (oldest first),
 * and the trend. Rows keep a version's fingerprint; the agent's versions (PostgreSQL) number them,
 * so asking for version N reads the rows of N's fingerprint. Four ClickHouse reads and one
 * PostgreSQL read, whatever the window's length.
 */
export async function qualityMetrics(telemetry: TelemetryDb, controlPlane: SqlExecutor, q: MetricsQuery): Promise<QualityMetricsResult> {
  const versions = await listVersions(controlPlane, q.organizationId, q.agentId);
  const byFingerprint = new Map(versions.map((v) => [v.fingerprint, v]));
  let fingerprint: string | undefined;
  if (q.version !== null) {
    const v = versions.find((x) => x.version === q.version);
    if (!v) throw new ApiError('NOT_FOUND', `agent ${q.agentId} has no version ${q.version}${versions.length > 0 ? ` (it has 1 to ${versions[versions.length - 1]!.version})` : ''}`, { field: 'querystring/version' });
    fingerprint = v.fingerprint;
  }
  const scope: FigureScope & { agentId: string } = { organizationId: q.organizationId, agentId: q.agentId, from: q.from, to: q.to, ...(fingerprint ? { fingerprint } : {}) };
  const step = stepOf(q.from, q.to);
  const numberOf = (fp: string) => byFingerprint.get(fp)?.version ?? null;
  const [{ requests, figures }, points] = await Promise.all([figuresBy(telemetry, scope, 'version'), trend(telemetry, scope, step, numberOf)]);

  // A version is "seen in the window" when it ran requests in it; feedback alone on an older version's answers counts in the total only.
  const perVersion = [...requests.entries()]
    .filter(([k]) => k !== TOTAL)
    .map(([fp, sums]) => {
      const known = byFingerprint.get(fp);
      return { version: known?.version ?? null, firstSeenAt: known?.firstSeenAt ?? iso(sums.firstAt), ...figures.get(fp)! };
    })
    .sort((a, b) => (a.version ?? Number.MAX_SAFE_INTEGER) - (b.version ?? Number.MAX_SAFE_INTEGER) || a.firstSeenAt.localeCompare(b.firstSeenAt));

  return {
    agentId: q.agentId,
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    version: q.version,
    overall: figures.get(TOTAL) ?? toFigures(undefined, undefined, undefined),
    versions: perVersion,
    step,
    trend: points,
  };
}
