import type { FastifyInstance } from 'fastify';
import { vendorError } from '../http/errors';
import { replyId, simulatedReply, tokensOf } from '../judge';

/** The text of a message's content: a string, or its text blocks. */
const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((b) => (b && typeof b === 'object' && typeof (b as { text?: unknown }).text === 'string' ? (b as { text: string }).text : '')).join('\n') : '';

/** POST /anthropic/v1/messages: enough of Anthropic's Messages API for its SDK to work unchanged (no streaming, no tools). */
export function anthropicMessageRoutes(app: FastifyInstance): void {
  app.post('/anthropic/v1/messages', async (request, reply) => {
    const body = (request.body ?? {}) as { model?: unknown; messages?: unknown; max_tokens?: unknown; system?: unknown; stream?: unknown };
    if (typeof body.model !== 'string' || body.model === '') return vendorError(reply, 'anthropic', 400, 'model: Field required');
    if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) return vendorError(reply, 'anthropic', 400, 'max_tokens: Field required');
    if (!Array.isArray(body.messages) || body.messages.length === 0) return vendorError(reply, 'anthropic', 400, 'messages: at least one message is required');
    if (body.stream === true) return vendorError(reply, 'anthropic', 400, 'the simulator does not stream');
    const text = [textOf(body.system), ...(body.messages as { content?: unknown }[]).map((m) => textOf(m?.content))].join('\n');
    const content = simulatedReply(text, body.model);
    return {
      id: replyId('msg_', body),
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [{ type: 'text', text: content }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: tokensOf(text), output_tokens: tokensOf(content), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    };
  });
}
