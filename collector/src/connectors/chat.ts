/**
 * One chat request to a vendor's model through its official SDK, at the connection's base URL
 * (the simulator's in demos and tests) with its key: what the grounding judge and the context
 * extractor ask. The answer's text; SDK errors are thrown as the SDK raised them.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { ChatVendor } from './models';

export interface ChatTarget {
  vendor: ChatVendor;
  baseUrl: string;
  apiKey: string;
  model: string;
}

export async function chat(target: ChatTarget, prompt: { system: string; user: string }, o: { timeoutMs: number; json?: boolean; maxTokens?: number }): Promise<string> {
  if (target.vendor === 'OPENAI') {
    const client = new OpenAI({ apiKey: target.apiKey, baseURL: target.baseUrl, maxRetries: 1, timeout: o.timeoutMs });
    const reply = await client.chat.completions.create({
      model: target.model,
      temperature: 0,
      ...(o.json ? { response_format: { type: 'json_object' as const } } : {}),
      messages: [
        { role: 'system', content: prompt.system },
        { role: 'user', content: prompt.user },
      ],
    });
    return reply.choices[0]?.message.content ?? '';
  }
  const client = new Anthropic({ apiKey: target.apiKey, baseURL: target.baseUrl, maxRetries: 1, timeout: o.timeoutMs });
  const reply = await client.messages.create({ model: target.model, max_tokens: o.maxTokens ?? 4096, system: prompt.system, messages: [{ role: 'user', content: prompt.user }] });
  return reply.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

/** Whether an error is the SDK's timeout. */
export const isTimeout = (err: unknown): boolean => err instanceof OpenAI.APIConnectionTimeoutError || err instanceof Anthropic.APIConnectionTimeoutError;
