import type { ComplianceReport } from '@ai-arm/schemas';
import type { SqlExecutor } from '../../stores/postgres/types';

const DAY_MS = 86_400_000;
const ageInDays = (now: Date, since: Date) => Math.max(0, Math.floor((now.getTime() - since.getTime()) / DAY_MS));
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * How old each live connection's credential is. The connections table has no column for when
 * its key was set, and its updated_at moves with a rename, a test or a restart (environment
 * connections), so the audit trail says it: the newest `connection.update` that rotated the key
 * (metadata.keyRotated), else when the connection was made. Environment and demo connections keep
 * their key outside the database: for them this is when the collector first recorded them.
 */
export async function credentialAges(db: SqlExecutor, organizationId: string, now: Date): Promise<ComplianceReport['credentials']> {
  const rows = await db.query<{ id: string; name: string; vendor: string; created_at: Date; rotated_at: Date | null }>(
    `SELECT c.id, c.name, c.vendor, c.created_at, r.rotated_at
       FROM connections c
       LEFT JOIN (SELECT resource_id, max(at) AS rotated_at FROM audit_log
                   WHERE organization_id = $1 AND resource_type = 'connection' AND action = 'connection.update' AND metadata->>'keyRotated' = 'true'
                   GROUP BY resource_id) r ON r.resource_id = c.id::text
      WHERE c.organization_id = $1 AND c.deleted_at IS NULL
      ORDER BY coalesce(greatest(c.created_at, r.rotated_at), c.created_at), c.id`,
    [organizationId],
  );
  return rows.map((r) => {
    const setAt = r.rotated_at && r.rotated_at > r.created_at ? r.rotated_at : r.created_at;
    return { connectionId: r.id, name: r.name, vendor: r.vendor, credentialSetAt: setAt.toISOString(), ageDays: ageInDays(now, setAt) };
  });
}

/**
 * Live (not revoked) API keys not used in `days`: used last before then, or never used and made
 * before then (a key made yesterday has not had its chance). Oldest use first.
 */
export async function unusedApiKeys(db: SqlExecutor, organizationId: string, now: Date, days: number): Promise<ComplianceReport['unusedApiKeys']> {
  const rows = await db.query<{ id: string; name: string; role: string; created_at: Date; last_used_at: Date | null }>(
    `SELECT id, name, role, created_at, last_used_at FROM api_keys
      WHERE organization_id = $1 AND revoked_at IS NULL AND coalesce(last_used_at, created_at) < $2::timestamptz
      ORDER BY coalesce(last_used_at, created_at), id`,
    [organizationId, new Date(now.getTime() - days * DAY_MS).toISOString()],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, createdAt: r.created_at.toISOString(), lastUsedAt: isoOrNull(r.last_used_at) }));
}

/** Users without a sign-in in `days`, by the same rule as keys: a user added since has not had the chance. */
export async function inactiveUsers(db: SqlExecutor, organizationId: string, now: Date, days: number): Promise<ComplianceReport['inactiveUsers']> {
  const rows = await db.query<{ id: string; email: string; last_login_at: Date | null }>(
    `SELECT id, email, last_login_at FROM users
      WHERE organization_id = $1 AND coalesce(last_login_at, created_at) < $2::timestamptz
      ORDER BY coalesce(last_login_at, created_at), id`,
    [organizationId, new Date(now.getTime() - days * DAY_MS).toISOString()],
  );
  return rows.map((r) => ({ id: r.id, email: r.email, lastLoginAt: isoOrNull(r.last_login_at) }));
}
