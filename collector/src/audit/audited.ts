import { ApiError } from '../errors';
import type { ControlPlaneDb, SqlExecutor } from '../stores/postgres/types';
import { auditContext, type AuditedRequest } from './context';
import { appendAudit, type AuditEntry } from './log';

/**
 * Runs a change and its audit record in one transaction: both land or neither does. The
 * change returns null when it changed nothing (a 404), and then nothing is recorded.
 */
export async function audited<T>(db: ControlPlaneDb, request: AuditedRequest, change: (tx: SqlExecutor) => Promise<{ result: T; audit: AuditEntry } | null>): Promise<T | null> {
  return db.transaction(async (tx) => {
    const done = await change(tx);
    if (!done) return null;
    await appendAudit(tx, auditContext(request), done.audit);
    return done.result;
  });
}

/**
 * The audit record of an action whose effect is not a row this transaction writes (a backfill
 * job started, an inventory sync or health check run through the poller).
 */
export function recordAudit(db: ControlPlaneDb, request: AuditedRequest, entry: AuditEntry): Promise<void> {
  return db.transaction((tx) => appendAudit(tx, auditContext(request), entry));
}

/**
 * Removes one resource of the caller's organisation, its audit record in the same transaction
 * (action `<resourceType>.delete`, the resource as it was). `find` reads it, null being a 404
 * that names `what`; `remove` deletes it, throws to refuse, or returns false if it was gone.
 */
export async function auditedRemoval<T extends { id: string }>(
  db: ControlPlaneDb,
  request: AuditedRequest,
  id: string,
  o: { what: string; resourceType: string; find: (tx: SqlExecutor, organizationId: string, id: string) => Promise<T | null | undefined>; remove: (tx: SqlExecutor, before: T) => Promise<unknown> },
): Promise<T> {
  const removed = await audited(db, request, async (tx) => {
    const before = await o.find(tx, request.organizationId, id);
    if (!before || (await o.remove(tx, before)) === false) return null;
    return { result: before, audit: { action: `${o.resourceType}.delete`, resourceType: o.resourceType, resourceId: before.id, before } };
  });
  if (!removed) throw new ApiError('NOT_FOUND', `no ${o.what} ${id}`);
  return removed;
}
