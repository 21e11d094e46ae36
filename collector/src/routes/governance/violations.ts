import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PolicyViolation, Responses, Severity, SuccessEnvelope, Timestamp, ViolationPageMeta, ViolationReviewInput } from '@ai-arm/schemas';
import { requireRole } from '../../auth/principal';
import { ApiError } from '../../errors';
import { listViolations, readViolation } from '../../governance/violations/reads';
import { reviewViolation } from '../../governance/violations/review';
import { decodeCursor } from '../../interactions/reads';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import { requestWindow } from '../window';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ListQuery = Type.Object({
  policyId: Type.Optional(Type.String({ format: 'uuid' })),
  agentId: Type.Optional(Type.String({ format: 'uuid' })),
  severity: Type.Optional(Severity),
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('reviewed')])),
  from: Type.Optional({ ...Timestamp, description: 'Start of the range (inclusive); default 7 days before `to`' }),
  to: Type.Optional({ ...Timestamp, description: 'End of the range (exclusive); default now' }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 1024, description: 'meta.nextCursor of the previous page' })),
});
const DAY_MS = 86_400_000;

/** Violations of the governance policies: every role reads them, members and admins review them. */
export const violationRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb; telemetry: TelemetryDb; now: () => Date }> = async (app, { controlPlane, telemetry, now }) => {
  app.get(
    '/api/v1/governance/violations',
    { schema: { querystring: ListQuery, description: 'Violations, newest first, a page at a time; filter by policy, agent, severity, review status and time', response: Responses({ 200: SuccessEnvelope(Type.Array(PolicyViolation), ViolationPageMeta) }) } },
    async (request) => {
      const { from, to, limit = 50, cursor, ...filters } = request.query;
      const { from: start, to: end } = requestWindow({ from, to }, now(), 7 * DAY_MS);
      const after = cursor ? decodeCursor(cursor, 'uuid') : null;
      if (cursor && !after) throw new ApiError('VALIDATION_ERROR', 'cursor is not one this API gave out', { field: 'querystring/cursor' });
      const page = await listViolations(telemetry, controlPlane, { organizationId: request.organizationId, from: start, to: end, limit, ...filters }, after);
      return { success: true as const, data: page.items, meta: { limit, nextCursor: page.nextCursor } };
    },
  );

  app.get('/api/v1/governance/violations/:id', { schema: { params: IdParams, description: 'One violation with its matches (masked) and review', response: Responses({ 200: SuccessEnvelope(PolicyViolation) }) } }, async (request) => {
    const violation = await readViolation(telemetry, controlPlane, request.organizationId, request.params.id);
    if (!violation) throw new ApiError('NOT_FOUND', `no violation ${request.params.id}`);
    return { success: true as const, data: violation };
  });

  app.post(
    '/api/v1/governance/violations/:id/review',
    { schema: { params: IdParams, body: ViolationReviewInput, description: 'Record a decision on a violation (CONFIRMED, FALSE_POSITIVE, ACCEPTED_RISK) with a note; audited. Reviewing again replaces it.', response: Responses({ 200: SuccessEnvelope(PolicyViolation) }) } },
    async (request) => {
      requireRole(request.principal, 'member');
      return { success: true as const, data: await reviewViolation(controlPlane, telemetry, request, request.params.id, request.body) };
    },
  );
};
