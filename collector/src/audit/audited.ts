import type { FastifyRequest } from 'fastify';
import { auditContext } from '../plugins/auth';
import type { ControlPlaneDb, SqlExecutor } from '../stores/postgres/types';
import { appendAudit, type AuditEntry } from './log';

/**
 * Runs a change and its audit record in one transaction: both land or neither does. The
 * change returns null when it changed nothing (a 404), and then nothing is recorded.
 */
export async function audited<T>(db: ControlPlaneDb, request: FastifyRequest, change: (tx: SqlExecutor) => Promise<{ result: T; audit: AuditEntry } | null>): Promise<T | null> {
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
export function recordAudit(db: ControlPlaneDb, request: FastifyRequest, entry: AuditEntry): Promise<void> {
  return db.transaction((tx) => appendAudit(tx, auditContext(request), entry));
}
