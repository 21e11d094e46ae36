import type { ComplianceReport, Enforcement, Severity } from '@ai-arm/schemas';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { iso, millisText } from '../../stores/clickhouse/time-text';
import type { SqlExecutor } from '../../stores/postgres/types';

export interface ReportWindow {
  organizationId: string;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

interface GroupRow {
  pid: string;
  sev: Severity;
  name: string;
  enf: Enforcement;
  total: number;
}

const SEVERITY_ORDER: Record<string, number> = { CRITICAL: 0, WARNING: 1, INFO: 2 };
const PAGE = 1000;

/**
 * Violations in the window by policy and severity, with how many have a review, and the review
 * times. Counts come from ClickHouse, reviews from Postgres by the policy and severity they copied
 * (no read per violation). A policy's name and enforcement are those of its newest violation in
 * the group: a renamed or deleted policy's violations still count under its id. A review whose
 * violation is past the telemetry retention is not counted against the group (reviewed <= total).
 */
export async function violationSummary(telemetry: TelemetryDb, controlPlane: SqlExecutor, w: ReportWindow, pageSize = PAGE): Promise<Pick<ComplianceReport, 'violations' | 'review'>> {
  const range = { org: w.organizationId, from: millisText(w.from.getTime()), to: millisText(w.to.getTime()) };
  const groups = await telemetry.query<GroupRow>(
    // Aliases apart from the columns, so no aggregate reads its own result.
    `SELECT toString(policy_id) AS pid, severity AS sev, argMax(policy_name, (occurred_at, policy_version)) AS name,
            argMax(enforcement, (occurred_at, policy_version)) AS enf, count() AS total
       FROM {db:Identifier}.policy_violations FINAL
      WHERE organization_id = {org:UUID} AND occurred_at >= {from:DateTime64(3)} AND occurred_at < {to:DateTime64(3)}
      GROUP BY policy_id, severity`,
    range,
  );
  const params = [w.organizationId, w.from.toISOString(), w.to.toISOString()];
  const reviewed = new Map(
    (
      await controlPlane.query<{ policy_id: string; severity: string; n: number }>(
        `SELECT policy_id::text AS policy_id, severity, count(*)::int AS n FROM violation_reviews
          WHERE organization_id = $1 AND occurred_at >= $2::timestamptz AND occurred_at < $3::timestamptz GROUP BY policy_id, severity`,
        params,
      )
    ).map((r) => [`${r.policy_id}|${r.severity}`, r.n]),
  );
  const byPolicy = groups
    .map((g) => {
      const total = Number(g.total);
      const done = Math.min(total, reviewed.get(`${g.pid}|${g.sev}`) ?? 0);
      return { policyId: g.pid, policyName: g.name, enforcement: g.enf, severity: g.sev, total, open: total - done, reviewed: done };
    })
    .sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) || b.total - a.total || a.policyName.localeCompare(b.policyName) || a.policyId.localeCompare(b.policyId));
  const bySeverity = new Map<Severity, { severity: Severity; total: number; open: number }>();
  for (const p of byPolicy) {
    const s = bySeverity.get(p.severity) ?? { severity: p.severity, total: 0, open: 0 };
    s.total += p.total;
    s.open += p.open;
    bySeverity.set(p.severity, s);
  }
  const total = byPolicy.reduce((n, p) => n + p.total, 0);
  const open = byPolicy.reduce((n, p) => n + p.open, 0);

  // percentile_cont interpolates between the two nearest review times; a review stamped before
  // its violation (clocks apart) counts as immediate.
  const [times] = await controlPlane.query<{ median: number | null; p90: number | null }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(0, extract(epoch FROM reviewed_at - occurred_at))) / 3600 AS median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY greatest(0, extract(epoch FROM reviewed_at - occurred_at))) / 3600 AS p90
       FROM violation_reviews WHERE organization_id = $1 AND occurred_at >= $2::timestamptz AND occurred_at < $3::timestamptz`,
    params,
  );
  return {
    violations: { total, open, byPolicy, bySeverity: [...bySeverity.values()] },
    review: {
      reviewed: total - open,
      medianHoursToReview: hours(times?.median),
      p90HoursToReview: hours(times?.p90),
      oldestOpenAt: open > 0 ? await oldestOpen(telemetry, controlPlane, w, range, pageSize) : null,
    },
  };
}

/** To the nearest thousandth of an hour (3.6 s): review times are not read closer, and floats would show noise. */
const hours = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Math.round(Number(v) * 1000) / 1000);

/**
 * The oldest violation in the window without a review: ClickHouse oldest first, a page at a
 * time, each page's ids looked up among the reviews. Only asked when the counts say one exists.
 */
async function oldestOpen(telemetry: TelemetryDb, controlPlane: SqlExecutor, w: ReportWindow, range: Record<string, string>, pageSize: number): Promise<string | null> {
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const rows: { vid: string; at: string }[] = await telemetry.query(
      // Aliases apart from the columns: `id` as text would turn the keyset comparison into String against UUID.
      `SELECT toString(id) AS vid, toString(occurred_at) AS at FROM {db:Identifier}.policy_violations FINAL
        WHERE organization_id = {org:UUID} AND occurred_at >= {from:DateTime64(3)} AND occurred_at < {to:DateTime64(3)}
          ${after ? 'AND (occurred_at, id) > ({afterAt:DateTime64(3)}, {afterId:UUID})' : ''}
        ORDER BY occurred_at, id LIMIT {n:UInt32}`,
      { ...range, afterAt: after?.at ?? '1970-01-01 00:00:00.000', afterId: after?.id ?? '00000000-0000-0000-0000-000000000000', n: pageSize },
    );
    if (rows.length === 0) return null;
    const done = new Set(
      (await controlPlane.query<{ id: string }>('SELECT violation_id::text AS id FROM violation_reviews WHERE organization_id = $1 AND violation_id = ANY($2::uuid[])', [w.organizationId, rows.map((r) => r.vid)])).map((r) => r.id),
    );
    const first = rows.find((r) => !done.has(r.vid));
    if (first) return iso(first.at);
    if (rows.length < pageSize) return null;
    const last = rows[rows.length - 1]!;
    after = { at: last.at, id: last.vid };
  }
}
