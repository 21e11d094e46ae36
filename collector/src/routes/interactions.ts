import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AgentVersion, Conversation, Interaction, InteractionPageMeta, InteractionStatus, Responses, SuccessEnvelope, Timestamp } from '@ai-arm/schemas';
import { AgentStore } from '../agents/store';
import { ApiError } from '../errors';
import { decodeCursor, listInteractions, readConversation } from '../interactions/reads';
import { listVersions } from '../interactions/versions';
import type { TelemetryDb } from '../stores/clickhouse/client';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { requestWindow } from './window';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ListQuery = Type.Object({
  from: Type.Optional({ ...Timestamp, description: 'Start of the range (inclusive); default 24 hours before `to`' }),
  to: Type.Optional({ ...Timestamp, description: 'End of the range (exclusive); default now' }),
  status: Type.Optional(InteractionStatus),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 1024, description: 'meta.nextCursor of the previous page' })),
});
const ConversationParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 255 }) });
const DAY_MS = 86_400_000;

/** What the push path stored, as it reads back: an agent's interactions and versions, and conversations. */
export const interactionRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb; telemetry: TelemetryDb; now: () => Date }> = async (app, { controlPlane, telemetry, now }) => {
  const agents = new AgentStore(controlPlane);
  const agentOf = async (org: string, id: string) => {
    if (!(await agents.get(org, id))) throw new ApiError('NOT_FOUND', `no agent ${id}`);
  };

  app.get(
    '/api/v1/agents/:id/interactions',
    { schema: { params: IdParams, querystring: ListQuery, description: "An agent's requests, newest first, a page at a time", response: Responses({ 200: SuccessEnvelope(Type.Array(Interaction), InteractionPageMeta) }) } },
    async (request) => {
      const { from, to, status, limit = 50, cursor } = request.query;
      await agentOf(request.organizationId, request.params.id);
      const { from: start, to: end } = requestWindow({ from, to }, now(), DAY_MS);
      const after = cursor ? decodeCursor(cursor) : null;
      if (cursor && !after) throw new ApiError('VALIDATION_ERROR', 'cursor is not one this API gave out', { field: 'querystring/cursor' });
      const page = await listInteractions(telemetry, controlPlane, { organizationId: request.organizationId, agentId: request.params.id, from: start, to: end, ...(status ? { status } : {}), limit }, after);
      return { success: true as const, data: page.items, meta: { limit, nextCursor: page.nextCursor } };
    },
  );

  app.get('/api/v1/agents/:id/versions', { schema: { params: IdParams, description: "An agent's versions (model, system instructions, tools), oldest first, each with when it was first and last seen", response: Responses({ 200: SuccessEnvelope(Type.Array(AgentVersion)) }) } }, async (request) => {
    await agentOf(request.organizationId, request.params.id);
    return { success: true as const, data: await listVersions(controlPlane, request.organizationId, request.params.id) };
  });

  app.get('/api/v1/conversations/:id', { schema: { params: ConversationParams, description: 'Every request of a conversation, across agents, in the order they started (at most 1,000)', response: Responses({ 200: SuccessEnvelope(Conversation) }) } }, async (request) => {
    const conversation = await readConversation(telemetry, controlPlane, request.organizationId, request.params.id);
    if (!conversation) throw new ApiError('NOT_FOUND', `no conversation ${request.params.id}`);
    return { success: true as const, data: conversation };
  });
};
