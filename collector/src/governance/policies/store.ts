import type { Policy, PolicyCondition, PolicyInput, PolicyPatch, PolicyVersion } from '@ai-arm/schemas';
import { audited } from '../../audit/audited';
import type { AuditedRequest } from '../../audit/context';
import type { ControlPlaneDb, SqlExecutor } from '../../stores/postgres/types';
import { asTenant } from '../../stores/tenant-scope';
import { compilePolicy, type PolicyDefinition } from '../engine';

interface PolicyRow {
  id: string;
  organization_id: string;
  name: string;
  description: string;
  enforcement: Policy['enforcement'];
  severity: Policy['severity'];
  enabled: boolean;
  match: Policy['match'];
  conditions: PolicyCondition[];
  version: number;
  created_at: Date;
  updated_at: Date;
  updated_by: string;
}

interface VersionRow extends Omit<PolicyRow, 'id' | 'updated_at' | 'updated_by'> {
  policy_id: string;
  created_by: string;
}

const COLUMNS = 'id, organization_id, name, description, enforcement, severity, enabled, match, conditions, version, created_at, updated_at, updated_by';
const VERSION_COLUMNS = 'organization_id, policy_id, version, name, description, enforcement, severity, enabled, match, conditions, created_at, created_by';

/** What a policy and each of its versions are made of: the same columns in both tables. */
const bodyOf = (r: PolicyRow | VersionRow) => ({
  name: r.name,
  description: r.description,
  enforcement: r.enforcement,
  severity: r.severity,
  enabled: r.enabled,
  match: r.match,
  conditions: r.conditions,
});

const toPolicy = (r: PolicyRow): Policy => ({
  id: r.id,
  ...bodyOf(r),
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  updatedBy: r.updated_by,
});

const toVersion = (r: VersionRow): PolicyVersion => ({
  policyId: r.policy_id,
  version: r.version,
  ...bodyOf(r),
  createdAt: r.created_at.toISOString(),
  createdBy: r.created_by,
});

/** What the engine compiles of a stored policy. */
export const definitionOf = (p: Pick<Policy, 'name' | 'enforcement' | 'severity' | 'match' | 'conditions'> & { id?: string; version?: number }): PolicyDefinition => ({
  id: p.id ?? null,
  name: p.name,
  version: p.version ?? null,
  enforcement: p.enforcement,
  severity: p.severity,
  match: p.match,
  conditions: p.conditions,
});

/**
 * An organisation's policies and every version of each. Each change (create, edit, enable or
 * disable, delete) writes the policy, a new version row and its audit record in one
 * transaction; a policy is compiled before it is stored, so what is stored always compiles.
 * Throws PolicyDefinitionError for a policy that does not, and the driver's unique violation
 * (code 23505) for a name the organisation already uses.
 */
export class PolicyStore {
  constructor(private readonly db: ControlPlaneDb) {}

  list(organizationId: string): Promise<Policy[]> {
    return asTenant(organizationId, async () => (await this.db.query<PolicyRow>(`SELECT ${COLUMNS} FROM policies WHERE organization_id = $1 ORDER BY name, id`, [organizationId])).map(toPolicy));
  }

  get(organizationId: string, id: string): Promise<Policy | null> {
    return asTenant(organizationId, () => getIn(this.db, organizationId, id));
  }

  /** Newest first; kept after the policy is deleted (violations name the version that fired). */
  versions(organizationId: string, policyId: string): Promise<PolicyVersion[]> {
    return asTenant(organizationId, async () =>
      (await this.db.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM policy_versions WHERE organization_id = $1 AND policy_id = $2 ORDER BY version DESC`, [organizationId, policyId])).map(toVersion),
    );
  }

  /** The enabled policies as the engine compiles them, with id and version: what the push path runs. */
  enabledPolicies(organizationId: string): Promise<PolicyDefinition[]> {
    return asTenant(organizationId, async () =>
      (await this.db.query<PolicyRow>(`SELECT ${COLUMNS} FROM policies WHERE organization_id = $1 AND enabled ORDER BY name, id`, [organizationId])).map((r) => definitionOf(toPolicy(r))),
    );
  }

  async create(request: AuditedRequest, input: PolicyInput): Promise<Policy> {
    const body = withDefaults(input);
    compilePolicy(definitionOf(body));
    const created = await asTenant(request.organizationId, () =>
      audited(this.db, request, async (tx) => {
        const [row] = await tx.query<PolicyRow>(
          `INSERT INTO policies (organization_id, name, description, enforcement, severity, enabled, match, conditions, version, updated_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9) RETURNING ${COLUMNS}`,
          [request.organizationId, body.name, body.description, body.enforcement, body.severity, body.enabled, body.match, JSON.stringify(body.conditions), actorOf(request)],
        );
        const p = toPolicy(row!);
        await writeVersion(tx, request.organizationId, p);
        return { result: p, audit: { action: 'policy.create', resourceType: 'policy', resourceId: p.id, after: p } };
      }),
    );
    return created!;
  }

  /** The policy as it is after the change, or null when the organisation has no such policy. */
  async update(request: AuditedRequest, id: string, patch: PolicyPatch): Promise<Policy | null> {
    return asTenant(request.organizationId, () =>
      audited(this.db, request, async (tx) => {
        const [current] = await tx.query<PolicyRow>(`SELECT ${COLUMNS} FROM policies WHERE organization_id = $1 AND id = $2 FOR UPDATE`, [request.organizationId, id]);
        if (!current) return null;
        const before = toPolicy(current);
        const next = { ...before, ...definedOf(patch) };
        compilePolicy(definitionOf(next));
        const [row] = await tx.query<PolicyRow>(
          `UPDATE policies SET name = $3, description = $4, enforcement = $5, severity = $6, enabled = $7, match = $8, conditions = $9,
                  version = version + 1, updated_at = now(), updated_by = $10
            WHERE organization_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
          [request.organizationId, id, next.name, next.description, next.enforcement, next.severity, next.enabled, next.match, JSON.stringify(next.conditions), actorOf(request)],
        );
        const after = toPolicy(row!);
        await writeVersion(tx, request.organizationId, after);
        return { result: after, audit: { action: 'policy.update', resourceType: 'policy', resourceId: id, before, after } };
      }),
    );
  }

  /**
   * Deletes the policy; its versions stay, and a last one (disabled, by whom and when) says it
   * stopped. Returns the policy as it was, or null when the organisation has no such policy.
   */
  async remove(request: AuditedRequest, id: string): Promise<Policy | null> {
    return asTenant(request.organizationId, () =>
      audited(this.db, request, async (tx) => {
        const [row] = await tx.query<PolicyRow>(`DELETE FROM policies WHERE organization_id = $1 AND id = $2 RETURNING ${COLUMNS}`, [request.organizationId, id]);
        if (!row) return null;
        const before = toPolicy(row);
        await writeVersion(tx, request.organizationId, { ...before, version: before.version + 1, enabled: false, updatedBy: actorOf(request) }, null);
        return { result: before, audit: { action: 'policy.delete', resourceType: 'policy', resourceId: id, before } };
      }),
    );
  }
}

const getIn = async (db: SqlExecutor, organizationId: string, id: string): Promise<Policy | null> => {
  const [row] = await db.query<PolicyRow>(`SELECT ${COLUMNS} FROM policies WHERE organization_id = $1 AND id = $2`, [organizationId, id]);
  return row ? toPolicy(row) : null;
};

/** The version row of the policy as it now stands, from the time of the change (its updatedAt, or now for a deletion). */
async function writeVersion(tx: SqlExecutor, organizationId: string, p: Policy, at: string | null = p.updatedAt): Promise<void> {
  await tx.query(
    `INSERT INTO policy_versions (organization_id, policy_id, version, name, description, enforcement, severity, enabled, match, conditions, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11::timestamptz, now()), $12)`,
    [organizationId, p.id, p.version, p.name, p.description, p.enforcement, p.severity, p.enabled, p.match, JSON.stringify(p.conditions), at, p.updatedBy],
  );
}

const withDefaults = (i: PolicyInput) => ({
  name: i.name,
  description: i.description ?? '',
  enforcement: i.enforcement,
  severity: i.severity,
  enabled: i.enabled ?? true,
  match: i.match ?? 'all',
  conditions: i.conditions,
});

/** The patch's fields that it sets (an explicit undefined leaves the field as it was). */
const definedOf = (patch: PolicyPatch): Partial<PolicyInput> => Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));

/** Who made a version: a user's or key's name, as the audit record's actor is named. */
const actorOf = (request: AuditedRequest) => request.principal.actorName.slice(0, 255);
