import React, { type ReactNode } from 'react';
import { Badge, useStyles2 } from '@grafana/ui';
import type { ComplianceReport } from '@ai-arm/schemas';
import { count, utcTime } from '../../format';
import { EnforcementBadge, SeverityBadge } from './badges';
import { getGovernanceStyles } from './styles';

const hours = (h: number | null) => (h === null ? '—' : h < 1 ? `${Math.round(h * 60)} min` : `${h.toFixed(1)} h`);
const when = (iso: string | null) => (iso ? utcTime(iso) : 'never');

/** A titled table, or a sentence when it has no rows. */
function Table({ title, head, rows, empty }: { title: string; head: string[]; rows: ReactNode[][]; empty: string }) {
  const s = useStyles2(getGovernanceStyles);
  return (
    <div>
      <h5>{title}</h5>
      {rows.length === 0 ? (
        <span className={s.muted}>{empty}</span>
      ) : (
        <table className={s.table} aria-label={title}>
          <thead>
            <tr>
              {head.map((h) => (
                <th key={h}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) => (
                  <td key={j}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The compliance report's tables, as the collector computed them for the period. */
export function ReportTables({ report: r }: { report: ComplianceReport }) {
  const s = useStyles2(getGovernanceStyles);
  const chain = r.auditChain;
  return (
    <div className={s.form}>
      <Table
        title="Violations and their review"
        head={['Total', 'Open', 'Reviewed', 'Median time to review', '90th percentile', 'Oldest open']}
        rows={[
          [
            count(r.violations.total),
            count(r.violations.open),
            count(r.review.reviewed),
            hours(r.review.medianHoursToReview),
            hours(r.review.p90HoursToReview),
            r.review.oldestOpenAt ? utcTime(r.review.oldestOpenAt) : '—',
          ],
        ]}
        empty=""
      />
      <Table
        title="Violations by policy"
        head={['Policy', 'Enforcement', 'Severity', 'Total', 'Open', 'Reviewed']}
        rows={r.violations.byPolicy.map((p) => [
          p.policyName,
          <EnforcementBadge key="e" enforcement={p.enforcement} />,
          <SeverityBadge key="s" severity={p.severity} />,
          count(p.total),
          count(p.open),
          count(p.reviewed),
        ])}
        empty="No violations in the period."
      />
      <Table
        title="Violations by severity"
        head={['Severity', 'Total', 'Open']}
        rows={r.violations.bySeverity.map((v) => [
          <SeverityBadge key="s" severity={v.severity} />,
          count(v.total),
          count(v.open),
        ])}
        empty="No violations in the period."
      />
      <div role="group" aria-label="Audit chain">
        <h5>Audit chain</h5>
        {chain.ok ? (
          <Badge color="green" icon="check" text={`Verified: ${count(chain.checked)} records intact`} />
        ) : (
          <Badge color="red" icon="exclamation-triangle" text={`Broken at record ${chain.firstBroken?.sequence}`} />
        )}
        <span className={s.muted}>
          {' '}
          {chain.keyed ? 'HMAC keyed' : 'plain SHA-256 chain (ARM_AUDIT_HMAC_KEY unset)'}
          {chain.firstBroken ? `: ${chain.firstBroken.message}` : ''}
        </span>
      </div>
      <Table
        title="Credential age"
        head={['Connection', 'Vendor', 'Set (UTC)', 'Age (days)']}
        rows={r.credentials.map((c) => [c.name, c.vendor, utcTime(c.credentialSetAt), count(c.ageDays)])}
        empty="No vendor connections."
      />
      <Table
        title={`API keys unused for ${r.thresholds.unusedKeyDays} days`}
        head={['Key', 'Role', 'Created (UTC)', 'Last used (UTC)']}
        rows={r.unusedApiKeys.map((k) => [k.name, k.role, utcTime(k.createdAt), when(k.lastUsedAt)])}
        empty="Every key was used lately."
      />
      <Table
        title={`Users without a sign-in for ${r.thresholds.inactiveUserDays} days`}
        head={['User', 'Last sign-in (UTC)']}
        rows={r.inactiveUsers.map((u) => [u.email, when(u.lastLoginAt)])}
        empty="Every user signed in lately."
      />
    </div>
  );
}
