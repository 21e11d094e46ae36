import type { FastifyInstance } from 'fastify';
import { vendorError } from '../http/errors';
import { intParam, pageById, stringParam } from '../http/params';
import { isDeleted, type SimState } from '../state';
import type { SimAgent } from '../world';

/** An assistant object as OpenAI returns it from list, retrieve and modify. */
export const assistant = (a: SimAgent) => ({
  id: a.id,
  object: 'assistant',
  created_at: a.createdAt,
  name: a.name,
  description: a.description,
  model: a.model.id,
  instructions: a.instructions,
  tools: a.index % 3 === 0 ? [{ type: 'file_search' }] : [],
  metadata: { team: a.groupId },
  top_p: 1,
  temperature: 0.2 + (a.index % 5) / 10,
  response_format: 'auto',
  tool_resources: {},
});

/** OpenAI's inventory: assistants (the only "agent" list), models, projects and their keys. */
export function openaiInventoryRoutes(app: FastifyInstance, state: SimState): void {
  const live = () => state.world.agents.filter((a) => a.vendor === 'openai' && !isDeleted(state, a.id));

  app.get('/openai/v1/assistants', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    if (request.headers['openai-beta'] !== 'assistants=v2') {
      return vendorError(reply, 'openai', 400, "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.");
    }
    const order = stringParam(q, 'order') ?? 'desc';
    const sorted = live().sort((x, y) => (order === 'asc' ? x.createdAt - y.createdAt || x.id.localeCompare(y.id) : y.createdAt - x.createdAt || y.id.localeCompare(x.id)));
    const page = pageById(sorted, { limit: intParam(q, 'limit', 20, 1, 100), after: stringParam(q, 'after'), before: stringParam(q, 'before') });
    return { object: 'list', ...page, data: page.data.map(assistant) };
  });

  app.get('/openai/v1/assistants/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const a = live().find((x) => x.id === id);
    if (!a) return vendorError(reply, 'openai', 404, `No assistant found with id '${id}'.`);
    return assistant(a);
  });

  app.get('/openai/v1/models', async () => ({
    object: 'list',
    data: state.world.models
      .filter((m) => m.vendor === 'openai' && !state.retiredModels.has(m.id))
      .map((m) => ({ id: m.id, object: 'model', created: Math.floor(Date.parse(m.createdAt) / 1000), owned_by: 'system' })),
  }));

  app.get('/openai/v1/organization/projects', async (request) => {
    const q = request.query as Record<string, unknown>;
    const projects = state.world.groups
      .filter((g) => g.vendor === 'openai')
      .map((g) => ({ id: g.id, object: 'organization.project', name: g.name, created_at: g.createdAt, archived_at: null, status: 'active' }));
    return { object: 'list', ...pageById(projects, { limit: intParam(q, 'limit', 20, 1, 100), after: stringParam(q, 'after') }) };
  });

  app.get('/openai/v1/organization/projects/:projectId/api_keys', async (request, reply) => {
    const { projectId } = request.params as { projectId: string };
    if (!state.world.groups.some((g) => g.id === projectId)) return vendorError(reply, 'openai', 404, `No project found with id '${projectId}'.`);
    const q = request.query as Record<string, unknown>;
    const keys = state.world.apiKeys
      .filter((k) => k.groupId === projectId)
      .map((k) => ({
        id: k.id,
        object: 'organization.project.api_key',
        name: k.name,
        redacted_value: `sk-proj-****${k.hint}`,
        created_at: k.createdAt,
        last_used_at: state.now() - 3600,
        owner: k.shared
          ? { type: 'service_account', service_account: { id: `svc_acct_${k.hint}`, name: k.name, created_at: k.createdAt, role: 'member' } }
          : { type: 'user', user: { id: `user_${k.hint}`, name: 'Platform team', email: 'platform@example.com', created_at: k.createdAt, role: 'owner' } },
      }));
    return { object: 'list', ...pageById(keys, { limit: intParam(q, 'limit', 20, 1, 100), after: stringParam(q, 'after') }) };
  });
}
