import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AgentHealthHistory, AgentListMeta, AgentStatus, AgentType, AgentView as AgentViewBody, Deleted, HealthRangeMeta, HealthStatus, HealthSummary, InventoryChange as InventoryChangeBody, Responses, SuccessEnvelope, Vendor } from '@ai-arm/schemas';
import { countByVendor, decodeCursor, listAgents, narrowSearch, SORTS, type SortKey } from '../agents/list';
import { healthHistory, rangeSeconds } from '../agents/health-history';
import { healthSummary } from '../agents/health-summary';
import { AgentStore, type AgentView } from '../agents/store';
import { audited, auditedRemoval, recordAudit } from '../audit/audited';
import { requireRole } from '../auth/principal';
import { ApiError } from '../errors';
import type { InventoryChange } from '../poller/inventory';
import type { ControlPlaneDb } from '../stores/postgres/types';
import type { TelemetryDb } from '../stores/clickhouse/client';

/** What the agents API needs from the running poller. */
export interface AgentRuntime {
  discover(organizationId: string): Promise<InventoryChange>;
  /** Runs the agent's health check now; false when no polled connection holds it. */
  checkAgent(organizationId: string, connectionId: string | null, agentId: string): Promise<boolean>;
  /** Re-counts the organisation's agents by status for /metrics. */
  reportAgentCounts(organizationId: string): Promise<void>;
}

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const SORT_VALUES = Object.keys(SORTS).flatMap((k) => [k, `-${k}`]);
const ListQuery = Type.Object({
  vendor: Type.Optional(Vendor),
  status: Type.Optional(AgentStatus),
  type: Type.Optional(AgentType),
  health: Type.Optional(HealthStatus),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Part of the name, any case' })),
  sort: Type.Optional(Type.Union(SORT_VALUES.map((s) => Type.Literal(s)), { default: 'name', description: 'A leading - sorts descending' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'meta.nextCursor of the previous page' })),
});
const Json = Type.Record(Type.String(), Type.Unknown());
const CreateAgent = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    type: Type.Optional(AgentType),
    vendorAgentId: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: "Your own id for it (default: generated)" })),
    config: Type.Optional(Json),
    metadata: Type.Optional(Json),
  },
  { additionalProperties: false },
);
const PatchAgent = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })), type: Type.Optional(AgentType), config: Type.Optional(Json), metadata: Type.Optional(Json), activeProbe: Type.Optional(Type.Boolean({ description: 'Opt in to a one-token probe request per check (costs money)' })) },
  { additionalProperties: false, minProperties: 1 },
);
const One = Responses({ 200: SuccessEnvelope(AgentViewBody) });
const RangeQuery = Type.Object({ range: Type.Optional(Type.String({ pattern: '^\\d{1,3}[hd]$', default: '24h', description: 'How far back: 24h, 7d, ...' })) });

/**
 * The agent inventory: list with filters, search, sort, cursor paging and counts per vendor;
 * custom agents; pause and resume; health now and over time.
 */
export const agentRoutes: FastifyPluginAsyncTypebox<{
  controlPlane: ControlPlaneDb;
  telemetry: TelemetryDb;
  runtime: AgentRuntime | null;
  now: () => Date;
  /** Told of a removed agent, so the push path stops attributing requests to it from memory. */
  removed?: (agentId: string) => void;
}> = async (app, { controlPlane, telemetry, runtime, now, removed: onRemoved }) => {
  const agents = new AgentStore(controlPlane);
  const found = async (org: string, id: string): Promise<AgentView> => {
    const a = await agents.get(org, id);
    if (!a) throw new ApiError('NOT_FOUND', `no agent ${id}`);
    return a;
  };
  const poller = () => {
    if (!runtime) throw new ApiError('UNAVAILABLE', 'this collector serves the API without polling vendors');
    return runtime;
  };
  const change = (action: string, fields: Parameters<AgentStore['update']>[2]) =>
    async function (request: { organizationId: string; params: { id: string } } & Parameters<typeof audited>[1]) {
      const updated = await audited(controlPlane, request, async (tx) => {
        const store = new AgentStore(tx);
        const before = await store.get(request.organizationId, request.params.id);
        if (!before) return null;
        const after = (await store.update(request.organizationId, before.id, fields))!;
        return { result: after, audit: { action, resourceType: 'agent', resourceId: after.id, before, after } };
      });
      if (!updated) throw new ApiError('NOT_FOUND', `no agent ${request.params.id}`);
      // A pause shows in ai_arm_agents at once, not at the next inventory sync.
      await runtime?.reportAgentCounts(request.organizationId);
      return { success: true as const, data: updated };
    };

  app.get('/api/v1/agents', { schema: { querystring: ListQuery, description: 'Agents, filtered and sorted, a page at a time; meta has counts per vendor and the next cursor', response: Responses({ 200: SuccessEnvelope(Type.Array(AgentViewBody), AgentListMeta) }) } }, async (request) => {
    const { vendor, status, type, health, q, sort = 'name', limit = 50, cursor } = request.query;
    const order = { sort: sort.replace('-', '') as SortKey, descending: sort.startsWith('-'), limit };
    const after = cursor ? decodeCursor(cursor, order.sort) : null;
    if (cursor && !after) throw new ApiError('VALIDATION_ERROR', 'cursor is not one this API gave out for this sort', { field: 'querystring/cursor' });
    const filter = await narrowSearch(controlPlane, { organizationId: request.organizationId, vendor, status, type, health, q });
    // In name order the indexes serve any filter, so counts and page go together; otherwise how
    // many match decides how the page is best found.
    const [counts, early] = await Promise.all([countByVendor(controlPlane, filter), order.sort === 'name' ? listAgents(controlPlane, filter, order, after) : null]);
    const page = early ?? (await listAgents(controlPlane, filter, order, after, counts.capped ? undefined : counts.total));
    return { success: true as const, data: page.agents, meta: { total: counts.total, totalCapped: counts.capped, countsByVendor: counts.byVendor, limit, nextCursor: page.nextCursor } };
  });

  app.post('/api/v1/agents', { schema: { body: CreateAgent, description: 'Register a custom (in-house) agent', response: Responses({ 201: SuccessEnvelope(AgentViewBody) }) } }, async (request, reply) => {
    requireRole(request.principal, 'member');
    const b = request.body;
    const created = await audited(controlPlane, request, async (tx) => {
      const a = await new AgentStore(tx).create(request.organizationId, { name: b.name, type: b.type ?? 'CUSTOM', vendorAgentId: b.vendorAgentId ?? `custom-${randomUUID()}`, config: b.config ?? {}, metadata: b.metadata ?? {} });
      return { result: a, audit: { action: 'agent.create', resourceType: 'agent', resourceId: a.id, after: a } };
    }).catch((err: { code?: string }) => {
      if (err.code === '23505') throw new ApiError('CONFLICT', `a custom agent with vendorAgentId ${b.vendorAgentId} exists`, { field: 'body/vendorAgentId' });
      throw err;
    });
    return reply.code(201).send({ success: true as const, data: created! });
  });

  app.post('/api/v1/agents/discover', { schema: { description: "Sync every connection's agent inventory now", response: Responses({ 200: SuccessEnvelope(InventoryChangeBody) }) } }, async (request) => {
    requireRole(request.principal, 'member');
    const change = await poller().discover(request.organizationId);
    await recordAudit(controlPlane, request, { action: 'agent.discover', resourceType: 'agent', resourceId: null, after: { ...change } });
    return { success: true as const, data: change };
  });

  app.get('/api/v1/agents/:id', { schema: { params: IdParams, response: One } }, async (request) => ({ success: true as const, data: await found(request.organizationId, request.params.id) }));

  app.patch('/api/v1/agents/:id', { schema: { params: IdParams, body: PatchAgent, response: One } }, async (request) => {
    requireRole(request.principal, 'member');
    return change('agent.update', request.body)(request);
  });

  app.delete('/api/v1/agents/:id', { schema: { params: IdParams, description: 'Remove a custom agent; a vendor agent is paused instead (the next sync would bring it back)', response: Responses({ 200: SuccessEnvelope(Deleted) }) } }, async (request) => {
    requireRole(request.principal, 'member');
    const removed = await auditedRemoval(controlPlane, request, request.params.id, {
      what: 'agent',
      resourceType: 'agent',
      find: (tx, org, id) => new AgentStore(tx).get(org, id),
      remove: async (tx, a) => {
        if (a.vendor !== 'CUSTOM') throw new ApiError('CONFLICT', `agent ${a.id} comes from ${a.vendor}: delete it there, or pause it here`);
        await new AgentStore(tx).remove(a.organizationId, a.id);
      },
    });
    onRemoved?.(removed.id);
    return { success: true as const, data: { id: removed.id, deleted: true as const } };
  });

  app.post('/api/v1/agents/:id/pause', { schema: { params: IdParams, description: 'Pause: health checks and health alerts stop, metrics show it paused', response: One } }, async (request) => {
    requireRole(request.principal, 'member');
    return change('agent.pause', { status: 'PAUSED' })(request);
  });

  app.post('/api/v1/agents/:id/resume', { schema: { params: IdParams, response: One } }, async (request) => {
    requireRole(request.principal, 'member');
    return change('agent.resume', { status: 'ACTIVE' })(request);
  });

  app.post('/api/v1/agents/:id/health-check', { schema: { params: IdParams, description: 'Run the health check now and return the result', response: One } }, async (request) => {
    requireRole(request.principal, 'member');
    const a = await found(request.organizationId, request.params.id);
    if (a.status === 'PAUSED') throw new ApiError('CONFLICT', `agent ${a.id} is paused: resume it to check its health`);
    // Its connection was removed and none reads its account: the agent says so (health UNKNOWN, lastError), nothing is in conflict.
    if (a.connectionId === null && a.vendor !== 'CUSTOM') return { success: true as const, data: a };
    if (!(await poller().checkAgent(request.organizationId, a.connectionId, a.id))) throw new ApiError('CONFLICT', `agent ${a.id} has no polled connection to check it through`);
    const after = await found(request.organizationId, a.id);
    await recordAudit(controlPlane, request, { action: 'agent.health_check', resourceType: 'agent', resourceId: a.id, before: { health: a.health }, after: { health: after.health } });
    return { success: true as const, data: after };
  });

  app.get('/api/v1/agents/:id/health', { schema: { params: IdParams, querystring: RangeQuery, description: "The agent's health checks over a range, newest first, with its last error", response: Responses({ 200: SuccessEnvelope(AgentHealthHistory, HealthRangeMeta) }) } }, async (request) => {
    const a = await found(request.organizationId, request.params.id);
    const range = request.query.range ?? '24h';
    return { success: true as const, data: await healthHistory(telemetry, a, new Date(now().getTime() - rangeSeconds(range) * 1000)), meta: { range } };
  });

  app.get('/api/v1/metrics/health', { schema: { description: 'Agents by health and vendor, the average health score, and the agents that are down', response: Responses({ 200: SuccessEnvelope(HealthSummary) }) } }, async (request) => {
    return { success: true as const, data: await healthSummary(controlPlane, request.organizationId) };
  });
};
