import type { PolicyViolation, ViolationReviewInput } from '@ai-arm/schemas';
import { audited } from '../../audit/audited';
import type { AuditedRequest } from '../../audit/context';
import { grafanaUser } from '../../auth/headers';
import { ApiError } from '../../errors';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import { readViolation } from './reads';

/**
 * A person's decision on a violation, audited with it in one transaction. Reviewing again
 * replaces the decision (the audit record keeps the one before). Through the plugin the reviewer
 * is the Grafana user, not the plugin's key.
 */
export async function reviewViolation(controlPlane: ControlPlaneDb, telemetry: TelemetryDb, request: AuditedRequest, id: string, input: ViolationReviewInput): Promise<PolicyViolation> {
  const org = request.organizationId;
  const violation = await readViolation(telemetry, controlPlane, org, id);
  if (!violation) throw new ApiError('NOT_FOUND', `no violation ${id}`);
  const reviewer = grafanaUser(request) ?? request.principal.actorName;
  const review = await audited(controlPlane, request, async (tx) => {
    const [row] = await tx.query<{ reviewed_at: Date }>(
      `INSERT INTO violation_reviews (organization_id, violation_id, occurred_at, policy_id, severity, reviewer, decision, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (organization_id, violation_id) DO UPDATE SET reviewer = EXCLUDED.reviewer, decision = EXCLUDED.decision, note = EXCLUDED.note, reviewed_at = now()
       RETURNING reviewed_at`,
      [org, id, violation.occurredAt, violation.policyId, violation.severity, reviewer, input.decision, input.note ?? ''],
    );
    const after = { reviewer, decision: input.decision, note: input.note ?? '', reviewedAt: row!.reviewed_at.toISOString() };
    return { result: after, audit: { action: 'violation.review', resourceType: 'violation', resourceId: id, before: violation.review, after, metadata: { policyId: violation.policyId, policyVersion: violation.policyVersion } } };
  });
  return { ...violation, status: 'reviewed', review: review! };
}
