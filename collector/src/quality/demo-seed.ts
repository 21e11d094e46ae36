import { appendAudit } from '../audit/log';
import { systemPrincipal } from '../auth/principal';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { asTenant } from '../stores/tenant-scope';

/**
 * Demo mode keeps the demo agents' (synthetic) content, so consistency, grounding checks on
 * sampled requests and answer drift have something to show. Only while nobody changed the
 * organisation: someone who turned capture off in a demo keeps it off. Returns whether it
 * turned capture on.
 */
export function seedDemoContentCapture(controlPlane: ControlPlaneDb, organizationId: string): Promise<boolean> {
  return asTenant(organizationId, () =>
    controlPlane.transaction(async (tx) => {
      const [touched] = await tx.query("SELECT 1 FROM audit_log WHERE organization_id = $1 AND action IN ('organization.update', 'organization.content_capture.demo') LIMIT 1", [organizationId]);
      if (touched) return false;
      const [row] = await tx.query<{ id: string }>('UPDATE organizations SET content_capture = true, updated_at = now() WHERE id = $1 AND NOT content_capture RETURNING id', [organizationId]);
      if (!row) return false;
      const ctx = { principal: systemPrincipal(organizationId), ipAddress: null, userAgent: null, requestId: 'demo' };
      await appendAudit(tx, ctx, { action: 'organization.content_capture.demo', resourceType: 'organization', resourceId: organizationId, before: { contentCapture: false }, after: { contentCapture: true } });
      return true;
    }),
  );
}
