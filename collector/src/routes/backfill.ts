import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BackfillState, PolledConnection as PolledConnectionSchema, Responses, SuccessEnvelope } from '@ai-arm/schemas';
import { recordAudit } from '../audit/audited';
import { requireRole } from '../auth/principal';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { ApiError } from '../errors';
import type { BackfillJobs } from '../poller/backfill';
import type { WatermarkStore } from '../poller/watermarks';

const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });

/**
 * Backfill a connection's history: POST starts it (or returns the one running), GET reports
 * progress and ETA. Admin only, reads included: they show the organisation's connections and feeds. `ai-arm backfill` drives these when a collector is running.
 */
export interface PolledConnection {
  id: string;
  organizationId: string;
  vendor: string;
  source: string;
}

export const backfillRoutes: FastifyPluginAsyncTypebox<{ jobs: BackfillJobs; connections: () => PolledConnection[]; watermarks: WatermarkStore; controlPlane: ControlPlaneDb }> = async (
  app,
  opts,
) => {
  const own = (org: string) => opts.connections().filter((c) => c.organizationId === org);

  /** Polled connections with each feed's watermark: live counters start at a feed's startedAt. */
  app.get('/api/v1/poller/connections', { schema: { response: Responses({ 200: SuccessEnvelope(Type.Array(PolledConnectionSchema)) }) } }, async (request) => {
    requireRole(request.principal, 'admin');
    return {
      success: true as const,
      data: await Promise.all(own(request.organizationId).map(async ({ id, vendor, source }) => ({ id, vendor, source, feeds: await opts.watermarks.list(id) }))),
    };
  });

  app.post(
    '/api/v1/connections/:id/backfill',
    { schema: { params: Params, body: Type.Object({ since: Type.String({ minLength: 2, maxLength: 64, description: '90d, 12h, 2w, a day (2026-11-01, UTC) or an RFC 3339 time; in the past, from 2020 on' }) }), response: Responses({ 202: SuccessEnvelope(BackfillState) }) } },
    async (request, reply) => {
      requireRole(request.principal, 'admin');
      if (!own(request.organizationId).some((c) => c.id === request.params.id)) throw new ApiError('NOT_FOUND', `no polled connection ${request.params.id}`);
      let job;
      try {
        job = opts.jobs.start(request.params.id, request.body.since);
      } catch (err) {
        throw new ApiError('VALIDATION_ERROR', (err as Error).message, { field: 'body/since' });
      }
      await recordAudit(opts.controlPlane, request, { action: 'connection.backfill', resourceType: 'connection', resourceId: request.params.id, metadata: { since: request.body.since } });
      return reply.status(202).send({ success: true as const, data: job });
    },
  );

  app.get('/api/v1/connections/:id/backfill', { schema: { params: Params, response: Responses({ 200: SuccessEnvelope(BackfillState) }) } }, async (request) => {
    requireRole(request.principal, 'admin');
    if (!own(request.organizationId).some((c) => c.id === request.params.id)) throw new ApiError('NOT_FOUND', `no polled connection ${request.params.id}`);
    const state = opts.jobs.get(request.params.id);
    if (!state) throw new ApiError('NOT_FOUND', `no backfill has run for connection ${request.params.id}`);
    return { success: true as const, data: state };
  });
};
