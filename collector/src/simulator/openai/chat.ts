import type { FastifyInstance } from 'fastify';
import { extractionReply } from '../extractor';
import { vendorError } from '../http/errors';
import { replyId, simulatedReply, tokensOf } from '../judge';
import type { SimState } from '../state';

interface ChatMessage {
  role?: unknown;
  content?: unknown;
}

/** The text of a chat message's content: a string, or the text parts of a list. */
const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join('\n') : '';

/** POST /openai/v1/chat/completions: enough of OpenAI's chat API for its SDK to work unchanged (no streaming, no tools). */
export function openaiChatRoutes(app: FastifyInstance, state: SimState): void {
  app.post('/openai/v1/chat/completions', async (request, reply) => {
    const body = (request.body ?? {}) as { model?: unknown; messages?: unknown; stream?: unknown };
    if (typeof body.model !== 'string' || body.model === '') return vendorError(reply, 'openai', 400, "you must provide a model parameter", 'model');
    if (!Array.isArray(body.messages) || body.messages.length === 0) return vendorError(reply, 'openai', 400, "'messages' must be a non-empty array", 'messages');
    if (body.stream === true) return vendorError(reply, 'openai', 400, 'the simulator does not stream', 'stream');
    const text = (body.messages as ChatMessage[]).map((m) => textOf(m?.content)).join('\n');
    const content = extractionReply(text, body.model) ?? simulatedReply(text, body.model);
    const prompt = tokensOf(text);
    const completion = tokensOf(content);
    return {
      id: replyId('chatcmpl-', body),
      object: 'chat.completion',
      created: state.now(),
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
      system_fingerprint: 'fp_simulator',
    };
  });
}
