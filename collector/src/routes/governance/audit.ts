import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditExport, AuditLog, AuditPageMeta, AuditVerification, Responses, SuccessEnvelope } from '@ai-arm/schemas';
import { auditPage, auditRecords, exportLines } from '../../audit/query';
import { useAuditKey } from '../../audit/chain';
import { scheduleHeadExport } from '../../audit/heads';
import { verifyChain } from '../../audit/verify';
import { requireRole } from '../../auth/principal';
import type { Config } from '../../config/env';
import { ApiError } from '../../errors';
import type { ControlPlaneDb } from '../../stores/postgres/types';

const Filter = Type.Object({
  action: Type.Optional(Type.String({ maxLength: 100, description: 'e.g. connection.create' })),
  resourceType: Type.Optional(Type.String({ maxLength: 100 })),
  resourceId: Type.Optional(Type.String({ maxLength: 255 })),
  actorId: Type.Optional(Type.String({ maxLength: 255 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  cursor: Type.Optional(Type.String({ pattern: '^\\d{1,18}$', description: 'meta.nextCursor of the previous page' })),
});
const Page = Type.Intersect([Filter, Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) })]);
const Verify = Type.Object({
  headSequence: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'sequence of a head exported earlier (audit-heads.jsonl)' })),
  headHash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'hash of that head' })),
});
const Export = Type.Intersect([Filter, Type.Object({ format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], { default: 'jsonl' })) })]);

/**
 * The audit trail: query, export and verify. Admins only: it names everyone's actions. Also keys
 * the chain's appends with ARM_AUDIT_HMAC_KEY and exports the signed chain heads on a schedule.
 */
export const auditRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb; audit: Config['audit'] }> = async (app, { controlPlane, audit }) => {
  useAuditKey(audit.hmacKey);
  if (!audit.hmacKey) app.log.warn('ARM_AUDIT_HMAC_KEY is unset: the audit chain is a plain SHA-256 chain, which anyone who can write to the database can recompute');
  let exporter: { stop(): Promise<void> } | null = null;
  app.addHook('onReady', async () => {
    exporter = scheduleHeadExport(controlPlane, { key: audit.hmacKey, dir: audit.headExportDir, intervalMs: audit.headExportIntervalMs, logger: app.log });
  });
  app.addHook('onClose', async () => exporter?.stop());

  const filter = (org: string, q: { action?: string; resourceType?: string; resourceId?: string; actorId?: string; from?: string; to?: string; cursor?: string }) => {
    if (q.from && q.to && !(Date.parse(q.from) < Date.parse(q.to))) throw new ApiError('VALIDATION_ERROR', `from (${q.from}) must be before to (${q.to})`, { field: 'querystring/from' });
    return { organizationId: org, action: q.action, resourceType: q.resourceType, resourceId: q.resourceId, actorId: q.actorId, from: q.from, to: q.to, after: q.cursor ? Number(q.cursor) : undefined };
  };

  app.get('/api/v1/governance/audit', { schema: { querystring: Page, description: 'Audit records, oldest first, with cursor paging', response: Responses({ 200: SuccessEnvelope(Type.Array(AuditLog), AuditPageMeta) }) } }, async (request) => {
    requireRole(request.principal, 'admin');
    const page = await auditPage(controlPlane, filter(request.organizationId, request.query), request.query.limit ?? 100);
    return { success: true as const, data: page.records, meta: { nextCursor: page.nextCursor, limit: request.query.limit ?? 100 } };
  });

  app.get('/api/v1/governance/audit/export', { schema: { querystring: Export, description: 'Every matching record, streamed as CSV or JSON lines', response: Responses({ 200: AuditExport }) } }, async (request, reply) => {
    requireRole(request.principal, 'admin');
    const format = request.query.format ?? 'jsonl';
    reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    reply.header('content-disposition', `attachment; filename="audit.${format}"`);
    return reply.send(Readable.from(exportLines(auditRecords(controlPlane, filter(request.organizationId, request.query)), format)));
  });

  app.get('/api/v1/governance/audit/verify', { schema: { querystring: Verify, description: "Walk the organisation's hash chain (and its HMACs, with ARM_AUDIT_HMAC_KEY) and report the first broken link; with an exported head, also a deleted tail", response: Responses({ 200: SuccessEnvelope(AuditVerification) }) } }, async (request) => {
    requireRole(request.principal, 'admin');
    const { headSequence, headHash } = request.query;
    if ((headSequence === undefined) !== (headHash === undefined)) throw new ApiError('VALIDATION_ERROR', 'headSequence and headHash go together', { field: headSequence === undefined ? 'querystring/headSequence' : 'querystring/headHash' });
    const exportedHead = headSequence !== undefined ? { sequence: headSequence, hash: headHash! } : null;
    return { success: true as const, data: await verifyChain(controlPlane, request.organizationId, { key: audit.hmacKey, exportedHead }) };
  });
};
