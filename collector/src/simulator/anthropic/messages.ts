import type { FastifyInstance } from 'fastify';
import { EXTRACTION_MARKER, extractionReply } from '../extractor';
import { vendorError } from '../http/errors';
import { MARKER, replyId, simulatedReply, tokensOf } from '../judge';

/** The text of a message's content: a string, or its text blocks. */
const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((b) => (b && typeof b === 'object' && typeof (b as { text?: unknown }).text === 'string' ? (b as { text: string }).text : '')).join('\n') : '';

/**
 * POST /anthropic/v1/messages for grounding requests: enough of Anthropic's Messages API for its
 * SDK to work unchanged (no streaming, no tools). The route itself belongs to the inventory's
 * health probe (anthropic/inventory.ts: known models only, a canned "pong"); a request carrying the
 * grounding marker is answered here first, for any model, with the simulator's naive judgement
 * (and one with the context extraction marker with its naive extractor, simulator/extractor.ts).
 */
export function anthropicMessageRoutes(app: FastifyInstance): void {
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || request.routeOptions.url !== '/anthropic/v1/messages') return undefined;
    const body = (request.body ?? {}) as { model?: unknown; messages?: unknown; max_tokens?: unknown; system?: unknown; stream?: unknown };
    const text = [textOf(body.system), ...(Array.isArray(body.messages) ? (body.messages as { content?: unknown }[]).map((m) => textOf(m?.content)) : [])].join('\n');
    if (!text.includes(MARKER) && !text.includes(EXTRACTION_MARKER)) return undefined;
    if (typeof body.model !== 'string' || body.model === '') return vendorError(reply, 'anthropic', 400, 'model: Field required');
    if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) return vendorError(reply, 'anthropic', 400, 'max_tokens: Field required');
    if (body.stream === true) return vendorError(reply, 'anthropic', 400, 'the simulator does not stream');
    const content = extractionReply(text, body.model) ?? simulatedReply(text, body.model);
    return reply.send({
      id: replyId('msg_', body),
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [{ type: 'text', text: content }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: tokensOf(text), output_tokens: tokensOf(content), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });
}
