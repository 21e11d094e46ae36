import type { ComplianceReport } from '@ai-arm/schemas';
import { csvCell } from '../../audit/query';

type Section = { title: string; header: readonly string[]; rows: readonly (readonly unknown[])[] };

/**
 * The report as CSV, one section per table: a title line, a header row, the rows, and a blank
 * line before the next. Timestamps stay RFC 3339 and empty means none (null).
 */
export function reportCsv(r: ComplianceReport): string {
  const chain = r.auditChain;
  const sections: Section[] = [
    {
      title: 'Compliance report',
      header: ['from', 'to', 'generatedAt', 'violations', 'openViolations', 'unusedKeyDays', 'inactiveUserDays'],
      rows: [[r.from, r.to, r.generatedAt, r.violations.total, r.violations.open, r.thresholds.unusedKeyDays, r.thresholds.inactiveUserDays]],
    },
    {
      title: 'Violations by policy',
      header: ['policyId', 'policyName', 'enforcement', 'severity', 'total', 'open', 'reviewed'],
      rows: r.violations.byPolicy.map((p) => [p.policyId, p.policyName, p.enforcement, p.severity, p.total, p.open, p.reviewed]),
    },
    { title: 'Violations by severity', header: ['severity', 'total', 'open'], rows: r.violations.bySeverity.map((s) => [s.severity, s.total, s.open]) },
    {
      title: 'Time to review',
      header: ['reviewed', 'medianHoursToReview', 'p90HoursToReview', 'oldestOpenAt'],
      rows: [[r.review.reviewed, r.review.medianHoursToReview, r.review.p90HoursToReview, r.review.oldestOpenAt]],
    },
    {
      title: 'Audit chain',
      header: ['ok', 'checked', 'keyed', 'headSequence', 'headHash', 'brokenSequence', 'brokenReason', 'brokenMessage'],
      rows: [[chain.ok, chain.checked, chain.keyed, chain.head?.sequence, chain.head?.hash, chain.firstBroken?.sequence, chain.firstBroken?.reason, chain.firstBroken?.message]],
    },
    { title: 'Connection credentials', header: ['connectionId', 'name', 'vendor', 'credentialSetAt', 'ageDays'], rows: r.credentials.map((c) => [c.connectionId, c.name, c.vendor, c.credentialSetAt, c.ageDays]) },
    { title: 'Unused API keys', header: ['id', 'name', 'role', 'createdAt', 'lastUsedAt'], rows: r.unusedApiKeys.map((k) => [k.id, k.name, k.role, k.createdAt, k.lastUsedAt]) },
    { title: 'Inactive users', header: ['id', 'email', 'lastLoginAt'], rows: r.inactiveUsers.map((u) => [u.id, u.email, u.lastLoginAt]) },
  ];
  return sections.map((s) => [s.title, s.header.join(','), ...s.rows.map((row) => row.map(csvCell).join(','))].map((line) => `${line}\n`).join('')).join('\n');
}
