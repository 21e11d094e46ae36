import type { ComplianceReport } from '@ai-arm/schemas';
import { verifyChain } from '../../audit/verify';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { SqlExecutor } from '../../stores/postgres/types';
import { credentialAges, inactiveUsers, unusedApiKeys } from './access';
import { violationSummary, type ReportWindow } from './violations';

/** Days without use that make a key unused, and without a sign-in that make a user inactive. */
export const REPORT_THRESHOLDS = { unusedKeyDays: 90, inactiveUserDays: 90 } as const;

export interface ReportSources {
  controlPlane: SqlExecutor;
  telemetry: TelemetryDb;
  /** ARM_AUDIT_HMAC_KEY, so the chain is verified as GET /governance/audit/verify does. */
  auditKey: Buffer | null;
}

/**
 * The compliance report of one organisation over [from, to): violations and their review in the
 * window; the audit chain, credentials and access hygiene as they stand at `now`. Call it in the
 * organisation's scope (asTenant): every read is also filtered by its id.
 */
export async function complianceReport(src: ReportSources, w: ReportWindow, now: Date): Promise<ComplianceReport> {
  const org = w.organizationId;
  const [violations, auditChain, credentials, unused, inactive] = await Promise.all([
    violationSummary(src.telemetry, src.controlPlane, w),
    verifyChain(src.controlPlane, org, { key: src.auditKey }),
    credentialAges(src.controlPlane, org, now),
    unusedApiKeys(src.controlPlane, org, now, REPORT_THRESHOLDS.unusedKeyDays),
    inactiveUsers(src.controlPlane, org, now, REPORT_THRESHOLDS.inactiveUserDays),
  ]);
  return {
    from: w.from.toISOString(),
    to: w.to.toISOString(),
    generatedAt: now.toISOString(),
    ...violations,
    auditChain,
    credentials,
    unusedApiKeys: unused,
    inactiveUsers: inactive,
    thresholds: { ...REPORT_THRESHOLDS },
  };
}
