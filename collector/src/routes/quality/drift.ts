import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DriftEvent, DriftEventDetail, Responses, SuccessEnvelope, Timestamp } from '@ai-arm/schemas';
import { AgentStore } from '../../agents/store';
import { requireRole } from '../../auth/principal';
import { ApiError } from '../../errors';
import { listDriftEvents, readDriftEvent } from '../../quality/drift/reads';
import { interactionsByIds } from '../../interactions/reads';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import { requestWindow } from '../window';

const AgentParams = Type.Object({ agentId: Type.String({ format: 'uuid' }) });
const EventParams = Type.Object({ agentId: Type.String({ format: 'uuid' }), id: Type.String({ format: 'uuid' }) });
const ListQuery = Type.Object({
  from: Type.Optional({ ...Timestamp, description: 'Detected at or after (inclusive); default 30 days before `to`' }),
  to: Type.Optional({ ...Timestamp, description: 'Detected before (exclusive); default now' }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
const CheckBody = Type.Optional(Type.Object({}, { additionalProperties: false }));
const DAY_MS = 86_400_000;

/**
 * An agent's drift events, one with its sample interactions, and a check on demand. `check` is the
 * quality monitor's (it stores the events, counts them and raises alerts), so the route does what
 * a scheduled run does.
 */
export const driftRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb; telemetry: TelemetryDb; now: () => Date; check: (organizationId: string, agentId: string) => Promise<DriftEvent[]> }> = async (
  app,
  { controlPlane, telemetry, now, check },
) => {
  const agents = new AgentStore(controlPlane);
  const agentOf = async (org: string, id: string) => {
    if (!(await agents.get(org, id))) throw new ApiError('NOT_FOUND', `no agent ${id}`);
  };

  app.get(
    '/api/v1/quality/:agentId/drift',
    { schema: { params: AgentParams, querystring: ListQuery, description: "The agent's drift events detected in the range (default the last 30 days), newest first", response: Responses({ 200: SuccessEnvelope(Type.Array(DriftEvent)) }) } },
    async (request) => {
      const { agentId } = request.params;
      await agentOf(request.organizationId, agentId);
      const { from: start, to: end } = requestWindow(request.query, now(), 30 * DAY_MS);
      const data = await listDriftEvents(telemetry, { organizationId: request.organizationId, agentId, from: start, to: end, limit: request.query.limit ?? 100 });
      return { success: true as const, data };
    },
  );

  app.get(
    '/api/v1/quality/:agentId/drift/:id',
    { schema: { params: EventParams, description: 'One drift event with the interactions that show it', response: Responses({ 200: SuccessEnvelope(DriftEventDetail) }) } },
    async (request) => {
      const { agentId, id } = request.params;
      await agentOf(request.organizationId, agentId);
      const event = await readDriftEvent(telemetry, request.organizationId, agentId, id);
      if (!event) throw new ApiError('NOT_FOUND', `no drift event ${id}`);
      const interactions = await interactionsByIds(telemetry, controlPlane, request.organizationId, agentId, event.samples, new Date(event.current.from), new Date(event.current.to));
      return { success: true as const, data: { event, interactions } };
    },
  );

  app.post(
    '/api/v1/quality/:agentId/drift/check',
    { schema: { params: AgentParams, body: CheckBody, description: "Checks the agent for drift now, with its settings, as the quality monitor's run does (events stored, counted, alerted); returns the events found that were not stored before", response: Responses({ 200: SuccessEnvelope(Type.Array(DriftEvent)) }) } },
    async (request) => {
      requireRole(request.principal, 'member');
      await agentOf(request.organizationId, request.params.agentId);
      return { success: true as const, data: await check(request.organizationId, request.params.agentId) };
    },
  );
};
