import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { vendorError } from '../http/errors';
import { isDeleted, type SimState } from '../state';
import type { SimAgent } from '../world';
import { agentBody, raiseRevision, revisionOf } from './agent-body';
import { MANAGED_AGENTS_BETA } from './inventory';

/**
 * Anthropic's managed agent retrieve (`GET /v1/agents/{id}`) and update (`POST /v1/agents/{id}`):
 * an update changes the agent's system prompt (or name, description) in the world, so the next
 * inventory shows it, and raises its version; an update that names a version other than the
 * current one is refused with 409, as the API does to prevent concurrent overwrites.
 */
export function anthropicAgentUpdateRoutes(app: FastifyInstance, state: SimState): void {
  const find = (request: FastifyRequest, reply: FastifyReply): SimAgent | null => {
    const beta = String(request.headers['anthropic-beta'] ?? '');
    if (!beta.split(',').map((s) => s.trim()).includes(MANAGED_AGENTS_BETA)) {
      void vendorError(reply, 'anthropic', 400, `The managed agents API is in beta: send the header anthropic-beta: ${MANAGED_AGENTS_BETA}`);
      return null;
    }
    const { id } = request.params as { id: string };
    const a = state.world.agents.find((x) => x.vendor === 'anthropic' && x.id === id && !isDeleted(state, x.id));
    if (!a) void vendorError(reply, 'anthropic', 404, `agent: ${id} not found`);
    return a ?? null;
  };

  app.get('/anthropic/v1/agents/:id', async (request, reply) => {
    const a = find(request, reply);
    return a ? agentBody(state, a) : reply;
  });

  app.post('/anthropic/v1/agents/:id', async (request, reply) => {
    const a = find(request, reply);
    if (!a) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    for (const field of ['system', 'description'] as const) {
      const v = body[field];
      if (v !== undefined && v !== null && typeof v !== 'string') return vendorError(reply, 'anthropic', 400, `${field}: Input should be a valid string`);
    }
    if (body.name !== undefined && (typeof body.name !== 'string' || body.name === '')) return vendorError(reply, 'anthropic', 400, 'name: must be a non-empty string');
    if (body.version !== undefined && (typeof body.version !== 'number' || !Number.isInteger(body.version) || body.version < 1)) return vendorError(reply, 'anthropic', 400, 'version: must be an integer of at least 1');
    const r = revisionOf(state, a);
    if (body.version !== undefined && body.version !== r.version) {
      const requestId = `req_sim_${r.version}`;
      return reply.status(409).header('request-id', requestId).send({ type: 'error', error: { type: 'conflict_error', message: `version ${String(body.version)} does not match the agent's current version ${r.version}` }, request_id: requestId });
    }
    if (body.system !== undefined) a.instructions = (body.system as string | null) ?? '';
    if (typeof body.name === 'string') a.name = body.name;
    if (body.description !== undefined) a.description = (body.description as string | null) ?? '';
    raiseRevision(state, a);
    return agentBody(state, a);
  });
}
