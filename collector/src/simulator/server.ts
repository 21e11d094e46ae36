import Fastify, { type FastifyInstance } from 'fastify';
import { anthropicAgentUpdateRoutes } from './anthropic/agents-update';
import { anthropicInventoryRoutes } from './anthropic/inventory';
import { anthropicMessageRoutes } from './anthropic/messages';
import { anthropicReportRoutes } from './anthropic/reports';
import { vendorError } from './http/errors';
import { gate } from './http/gate';
import { ParamError, parseRfc3339, stringParam } from './http/params';
import { openaiAssistantUpdateRoutes } from './openai/assistants-update';
import { openaiChatRoutes } from './openai/chat';
import { openaiEmbeddingRoutes } from './openai/embeddings';
import { openaiInventoryRoutes } from './openai/inventory';
import { openaiUsageRoutes } from './openai/usage';
import { createState, isDeleted, type SimState, type SimulatorOptions } from './state';
import { truth } from './truth';

export interface Simulator {
  app: FastifyInstance;
  state: SimState;
  url: string;
  /** Base URLs to hand the official SDKs. */
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  close(): Promise<void>;
}

/**
 * The vendor simulator: OpenAI under /openai/v1, Anthropic under /anthropic/v1, plus
 * /truth and the /_sim controls. Shares no code with the collector's connectors or pricing.
 */
export function buildSimulatorApp(state: SimState): FastifyInstance {
  // Closing ends every connection, in flight or idle: a client that gave up mid-request (the
  // collector aborting its vendor calls at shutdown) must not keep the simulator's close waiting.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const guard = gate(state);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/openai/') || request.url.startsWith('/anthropic/')) return guard(request, reply);
    return undefined;
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, request, reply) => {
    const vendor = request.url.startsWith('/anthropic/') ? 'anthropic' : 'openai';
    if (err instanceof ParamError) return vendorError(reply, vendor, 400, err.message, err.param);
    return vendorError(reply, vendor, err.statusCode && err.statusCode < 500 ? err.statusCode : 500, err.message);
  });
  app.setNotFoundHandler((request, reply) =>
    vendorError(reply, request.url.startsWith('/anthropic/') ? 'anthropic' : 'openai', 404, `Unknown request URL: ${request.method} ${request.url.split('?')[0]}`),
  );
  // Before the inventory's /anthropic/v1/messages (the health probe): grounding requests are answered by its hook.
  anthropicMessageRoutes(app);
  openaiInventoryRoutes(app, state);
  openaiUsageRoutes(app, state);
  anthropicInventoryRoutes(app, state);
  // Writes to agents' instructions (preference injection): the next inventory shows them.
  openaiAssistantUpdateRoutes(app, state);
  anthropicAgentUpdateRoutes(app, state);
  anthropicReportRoutes(app, state);
  openaiChatRoutes(app, state);
  openaiEmbeddingRoutes(app);

  app.get('/truth', async (request) => {
    const q = request.query as Record<string, unknown>;
    const start = parseRfc3339(stringParam(q, 'start'), 'start');
    if (start === undefined) throw new ParamError('start is required (RFC 3339)', 'start');
    const end = parseRfc3339(stringParam(q, 'end'), 'end') ?? state.now();
    return { start, end, rows: truth(state, start, end) };
  });
  app.get('/_sim/stats', async () => state.stats);
  app.get('/_sim/world', async () => ({
    agents: state.world.agents.map((a) => ({ vendor: a.vendor, id: a.id, name: a.name, model: a.model.id, groupId: a.groupId, apiKeyId: a.apiKeyId, deleted: isDeleted(state, a.id) })),
    sharedKeys: [...state.world.sharedKeyProfiles.keys()],
    keys: state.opts.keys,
    organizations: state.organizations,
  }));
  app.post('/_sim/agents/:id/delete', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!state.world.agents.some((a) => a.id === id)) return reply.status(404).send({ error: `no agent ${id}` });
    state.deletedAt.set(id, state.now());
    return { deleted: id };
  });
  app.post('/_sim/models/:id/retire', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!state.world.models.some((m) => m.id === id)) return reply.status(404).send({ error: `no model ${id}` });
    state.retiredModels.add(id);
    return { retired: id };
  });
  app.post('/_sim/clock', async (request) => {
    const body = (request.body ?? {}) as { now?: string | null };
    state.setNow(body.now ? Math.floor(Date.parse(body.now) / 1000) : null);
    return { now: state.now() };
  });
  return app;
}

export async function startSimulator(opts: Partial<SimulatorOptions> & { port?: number; host?: string } = {}): Promise<Simulator> {
  const state = createState(opts);
  const app = buildSimulatorApp(state);
  await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  return { app, state, url, openaiBaseUrl: `${url}/openai/v1`, anthropicBaseUrl: `${url}/anthropic`, close: () => app.close() };
}
