import type { FastifyInstance } from 'fastify';
import { vendorError } from '../http/errors';
import { isDeleted, type SimState } from '../state';
import { assistant } from './inventory';

/** OpenAI's limit on an assistant's instructions. */
const MAX_INSTRUCTIONS = 256_000;

/**
 * OpenAI's assistant modify (`POST /v1/assistants/{id}`): changes the simulated assistant's
 * instructions (and name or description) in the world, so the next inventory and retrieve show them.
 */
export function openaiAssistantUpdateRoutes(app: FastifyInstance, state: SimState): void {
  app.post('/openai/v1/assistants/:id', async (request, reply) => {
    if (request.headers['openai-beta'] !== 'assistants=v2') {
      return vendorError(reply, 'openai', 400, "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.");
    }
    const { id } = request.params as { id: string };
    const a = state.world.agents.find((x) => x.vendor === 'openai' && x.id === id && !isDeleted(state, x.id));
    if (!a) return vendorError(reply, 'openai', 404, `No assistant found with id '${id}'.`);
    const body = (request.body ?? {}) as Record<string, unknown>;
    for (const field of ['instructions', 'name', 'description'] as const) {
      const v = body[field];
      if (v !== undefined && v !== null && typeof v !== 'string') return vendorError(reply, 'openai', 400, `Invalid type for '${field}': expected a string, but got ${typeof v} instead.`, field);
    }
    if (typeof body.instructions === 'string' && body.instructions.length > MAX_INSTRUCTIONS) {
      return vendorError(reply, 'openai', 400, `Invalid 'instructions': string too long. Expected a string with maximum length ${MAX_INSTRUCTIONS}, but got a string with length ${body.instructions.length} instead.`, 'instructions');
    }
    if (body.instructions !== undefined) a.instructions = (body.instructions as string | null) ?? '';
    if (typeof body.name === 'string') a.name = body.name;
    if (typeof body.description === 'string') a.description = body.description;
    return assistant(a);
  });
}
