/**
 * What a pushed interaction was grounded on, and what it answered, read from its content (the
 * OTel GenAI message shapes the push path keeps: `[{role, parts: [{type, content}]}]`, or
 * `[{role, content}]`, or plain text).
 *
 * Retrieved context is, and is only:
 * - an input message with role "tool" (or "function"): a tool's or retriever's result, each one source;
 * - an input part of type "tool_call_response" (its `response`, text or JSON), in any message;
 * - in the system instructions or a user or system message, each `<document>`, `<context>`,
 *   `<source>` or `<retrieved>` element: the usual way RAG prompts fence the passages they paste in.
 *
 * The user's own words are never a source: an answer that repeats the question is not grounded by it.
 * The response is the text of the output messages (their "text" parts, or their content).
 */
import type { InteractionInput } from '../../interactions/interaction';

/** The most source text one sampled check takes: past it the rest is left out. */
export const MAX_SOURCE_CHARS = 1_048_576;
export const MAX_SOURCES = 50;

type Message = { role?: unknown; parts?: unknown; content?: unknown };

const TOOL_ROLES = new Set(['tool', 'function', 'ipython']);
const FENCE = /<(document|context|source|retrieved)(?:\s[^>]*)?>([\s\S]*?)<\/\1>/gi;

const asText = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/** A message's text: its "text" parts (`content` or `text`), or its content. */
function textOf(m: Message): string {
  if (Array.isArray(m.parts)) {
    return m.parts
      .map((p) => (p && typeof p === 'object' && ((p as { type?: unknown }).type === 'text' || (p as { type?: unknown }).type === undefined) ? asText((p as { content?: unknown; text?: unknown }).content ?? (p as { text?: unknown }).text) : ''))
      .filter((t) => t !== '')
      .join('\n');
  }
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) return m.content.map((c) => (typeof c === 'string' ? c : c && typeof c === 'object' ? asText((c as { text?: unknown }).text ?? '') : '')).filter(Boolean).join('\n');
  return '';
}

const messagesOf = (v: unknown): Message[] => (Array.isArray(v) ? v.filter((m): m is Message => m !== null && typeof m === 'object') : []);

function fenced(text: string, into: string[]): void {
  for (const m of text.matchAll(FENCE)) {
    const body = m[2]!.trim();
    if (body) into.push(body);
  }
}

/** The retrieved context an interaction carries: tool results and fenced documents (see above). */
export function sourcesOf(item: InteractionInput): string[] {
  const out: string[] = [];
  const system = item.content?.system ?? item.systemInstructions;
  if (system) fenced(system, out);
  const input = item.content?.input;
  if (typeof input === 'string') fenced(input, out);
  for (const m of messagesOf(input)) {
    const role = typeof m.role === 'string' ? m.role.toLowerCase() : '';
    if (TOOL_ROLES.has(role)) {
      const parts = Array.isArray(m.parts) ? m.parts : [];
      const responses = parts.filter((p) => p && typeof p === 'object' && (p as { type?: unknown }).type === 'tool_call_response').map((p) => asText((p as { response?: unknown }).response));
      const text = responses.length > 0 ? responses.join('\n') : textOf(m);
      if (text.trim()) out.push(text.trim());
      continue;
    }
    if (Array.isArray(m.parts)) {
      for (const p of m.parts) {
        if (p && typeof p === 'object' && (p as { type?: unknown }).type === 'tool_call_response') {
          const text = asText((p as { response?: unknown }).response).trim();
          if (text) out.push(text);
        }
      }
    }
    if (role === 'user' || role === 'system') fenced(textOf(m), out);
  }
  // Bounded: the most sources the API takes, and a megabyte of text.
  const kept: string[] = [];
  let size = 0;
  for (const s of out.slice(0, MAX_SOURCES)) {
    if (size + s.length > MAX_SOURCE_CHARS) break;
    kept.push(s);
    size += s.length;
  }
  return kept;
}

/** The answer's text: the output messages' text parts (assistant or unnamed role), or the output as text. */
export function responseOf(item: InteractionInput): string {
  const output = item.content?.output;
  if (typeof output === 'string') return output.trim();
  return messagesOf(output)
    .filter((m) => m.role === undefined || m.role === 'assistant' || m.role === 'model')
    .map(textOf)
    .filter((t) => t.trim() !== '')
    .join('\n')
    .trim();
}
