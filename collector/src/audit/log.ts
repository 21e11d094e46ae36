import { randomUUID } from 'node:crypto';
import type { AuditLog } from '@ai-arm/schemas';
import type { Principal } from '../auth/principal';
import type { SqlExecutor } from '../stores/postgres/types';
import { auditKey, GENESIS_HASH, recordHash, recordMac, type ChainedFields } from './chain';
import { redact } from './redact';

/** What a mutation says about itself; the request adds who, from where and which request. */
export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId: string | null;
  before?: unknown;
  after?: unknown;
  metadata?: Record<string, unknown>;
}

export interface AuditContext {
  principal: Principal;
  ipAddress: string | null;
  userAgent: string | null;
  requestId: string;
  /**
   * The Grafana user the key's request said it acted for (X-Grafana-User from Grafana's proxy).
   * Recorded as `metadata.grafanaUser` beside the key, the actor, so the chain's hash covers it.
   */
  grafanaUser?: string | null;
}

export interface AuditRow {
  organization_id: string;
  sequence: string;
  id: string;
  at: Date;
  actor_type: string;
  actor_id: string;
  actor_name: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  before: unknown;
  after: unknown;
  metadata: Record<string, unknown>;
  ip_address: string | null;
  user_agent: string | null;
  request_id: string;
  prev_hash: string;
  hash: string;
  /** HMAC of the hash under ARM_AUDIT_HMAC_KEY; null when written without a key. */
  hmac: string | null;
}

export const chainedFields = (r: AuditRow): ChainedFields => ({
  organizationId: r.organization_id,
  sequence: Number(r.sequence),
  id: r.id,
  timestamp: r.at.toISOString(),
  actorType: r.actor_type,
  actorId: r.actor_id,
  actorName: r.actor_name,
  action: r.action,
  resourceType: r.resource_type,
  resourceId: r.resource_id,
  before: r.before,
  after: r.after,
  metadata: r.metadata,
  ipAddress: r.ip_address,
  userAgent: r.user_agent,
  requestId: r.request_id,
});

export const toAuditLog = (r: AuditRow): AuditLog => {
  const f = chainedFields(r);
  return { ...f, actorType: f.actorType as AuditLog['actorType'], before: (f.before ?? null) as AuditLog['before'], after: (f.after ?? null) as AuditLog['after'], metadata: f.metadata as AuditLog['metadata'], prevHash: r.prev_hash, hash: r.hash };
};

/**
 * Appends one record to the organisation's chain. Call it with the transaction that makes the
 * change: the record exists exactly when the change does. The advisory lock orders concurrent
 * appends of one organisation so every record links to the one before it.
 */
/**
 * Serialises the organisation's audited changes until the transaction ends: the audit chain's
 * appends, and checks such as "the last admin" that must not race. Re-entrant in a transaction.
 */
export async function lockOrganization(tx: SqlExecutor, organizationId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`audit:${organizationId}`]);
}

export async function appendAudit(tx: SqlExecutor, ctx: AuditContext, entry: AuditEntry): Promise<void> {
  const org = ctx.principal.organizationId;
  await lockOrganization(tx, org);
  const [head] = await tx.query<{ sequence: string | number | bigint; hash: string }>('SELECT sequence, hash FROM audit_log WHERE organization_id = $1 ORDER BY sequence DESC LIMIT 1', [org]);
  const fields: ChainedFields = {
    organizationId: org,
    sequence: head ? Number(head.sequence) + 1 : 1,
    id: randomUUID(),
    // Millisecond precision: what a JS Date carries back from timestamptz, so the hash re-computes.
    timestamp: new Date().toISOString(),
    actorType: ctx.principal.actorType,
    actorId: ctx.principal.actorId,
    actorName: ctx.principal.actorName,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId,
    before: entry.before === undefined ? null : redact(entry.before),
    after: entry.after === undefined ? null : redact(entry.after),
    metadata: redact({ ...entry.metadata, ...(ctx.grafanaUser ? { grafanaUser: ctx.grafanaUser } : {}) }),
    ipAddress: ctx.ipAddress,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  const hash = recordHash(prevHash, fields);
  const key = auditKey();
  await tx.query(
    `INSERT INTO audit_log (organization_id, sequence, id, at, actor_type, actor_id, actor_name, action, resource_type, resource_id, before, after, metadata, ip_address, user_agent, request_id, prev_hash, hash, hmac)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
    [org, fields.sequence, fields.id, fields.timestamp, fields.actorType, fields.actorId, fields.actorName, fields.action, fields.resourceType, fields.resourceId,
      json(fields.before), json(fields.after), json(fields.metadata), fields.ipAddress, fields.userAgent, fields.requestId, prevHash, hash,
      key ? recordMac(key, org, fields.sequence, hash) : null],
  );
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
