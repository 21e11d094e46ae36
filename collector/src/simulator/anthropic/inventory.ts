import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { vendorError } from '../http/errors';
import { intParam, pageById, rfc3339, stringParam } from '../http/params';
import { isDeleted, type SimState } from '../state';
import { agentBody } from './agent-body';

export const MANAGED_AGENTS_BETA = 'managed-agents-2026-04-01';

/** Anthropic's inventory: the organisation, workspaces, API keys, models, managed agents, and messages for health probes. */
export function anthropicInventoryRoutes(app: FastifyInstance, state: SimState): void {
  const listParams = (q: Record<string, unknown>) => ({ limit: intParam(q, 'limit', 20, 1, 1000), after: stringParam(q, 'after_id'), before: stringParam(q, 'before_id') });

  app.get('/anthropic/v1/organizations/me', async () => ({ id: state.organizations.anthropic.id, type: 'organization', name: state.organizations.anthropic.name }));

  app.get('/anthropic/v1/organizations/workspaces', async (request) => {
    const items = state.world.groups
      .filter((g) => g.vendor === 'anthropic')
      .map((g) => ({ id: g.id, type: 'workspace', name: g.name, created_at: rfc3339(g.createdAt), archived_at: null, display_color: '#6C5BB9' }));
    return pageById(items, listParams(request.query as Record<string, unknown>));
  });

  app.get('/anthropic/v1/organizations/api_keys', async (request) => {
    const q = request.query as Record<string, unknown>;
    const workspace = stringParam(q, 'workspace_id');
    const status = stringParam(q, 'status');
    const items = state.world.apiKeys
      .filter((k) => k.vendor === 'anthropic' && (!workspace || k.groupId === workspace) && (!status || status === 'active'))
      .map((k) => ({
        id: k.id,
        type: 'api_key',
        name: k.name,
        workspace_id: k.groupId,
        created_at: rfc3339(k.createdAt),
        created_by: { id: 'user_01Platform', type: 'user' },
        partial_key_hint: `sk-ant-api03-R2D...${k.hint}`,
        status: 'active',
      }));
    return pageById(items, listParams(q));
  });

  app.get('/anthropic/v1/models', async (request) => {
    const items = state.world.models
      .filter((m) => m.vendor === 'anthropic' && !state.retiredModels.has(m.id))
      .map((m) => ({ type: 'model', id: m.id, display_name: m.displayName, created_at: `${m.createdAt}T00:00:00Z` }));
    return pageById(items, listParams(request.query as Record<string, unknown>));
  });

  app.get('/anthropic/v1/agents', async (request, reply) => {
    const beta = String(request.headers['anthropic-beta'] ?? '');
    if (!beta.split(',').map((s) => s.trim()).includes(MANAGED_AGENTS_BETA)) {
      return vendorError(reply, 'anthropic', 400, `The managed agents API is in beta: send the header anthropic-beta: ${MANAGED_AGENTS_BETA}`);
    }
    const q = request.query as Record<string, unknown>;
    const limit = intParam(q, 'limit', 20, 1, 100);
    const offset = Number(Buffer.from(stringParam(q, 'page') ?? '', 'base64url').toString() || 0);
    const live = state.world.agents.filter((a) => a.vendor === 'anthropic' && !isDeleted(state, a.id));
    const slice = live.slice(offset, offset + limit).map((a) => agentBody(state, a));
    const next = offset + limit < live.length ? Buffer.from(String(offset + limit)).toString('base64url') : null;
    return { data: slice, next_page: next };
  });

  app.post('/anthropic/v1/messages', async (request, reply) => {
    const body = (request.body ?? {}) as { model?: string; max_tokens?: number; messages?: unknown[] };
    if (!body.model || typeof body.max_tokens !== 'number' || !Array.isArray(body.messages)) {
      return vendorError(reply, 'anthropic', 400, 'model, max_tokens and messages are required');
    }
    const model = state.world.models.find((m) => m.vendor === 'anthropic' && m.id === body.model);
    if (!model || state.retiredModels.has(model.id)) return vendorError(reply, 'anthropic', 404, `model: ${body.model}`);
    return {
      id: `msg_${randomBytes(12).toString('hex')}`,
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'pong' }],
      model: model.id,
      stop_reason: 'max_tokens',
      stop_sequence: null,
      usage: { input_tokens: 8, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    };
  });
}
