/**
 * Who said what in an interaction's content ({system, input, output} as the push path keeps it):
 * the user's messages and the agent's answers, in order. The OTel GenAI shapes (`[{role, parts:
 * [{type: "text", content}]}]`), role/content pairs (`content` a string or text blocks) and plain
 * text (input: the user's, output: the answer) are read; system instructions, tool calls and tool
 * results are not what the user said and are left out.
 */
export interface Turn {
  role: 'user' | 'assistant';
  text: string;
}

/** The most text one interaction gives the extractors, per side: past it the rest is left out. */
export const MAX_TURN_CHARS = 65_536;

type Message = { role?: unknown; parts?: unknown; content?: unknown };

function textOfParts(parts: unknown[]): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return p;
      if (!p || typeof p !== 'object') return '';
      const o = p as { type?: unknown; content?: unknown; text?: unknown };
      if (o.type !== undefined && o.type !== 'text') return '';
      return typeof o.content === 'string' ? o.content : typeof o.text === 'string' ? o.text : '';
    })
    .filter((t) => t !== '')
    .join('\n');
}

function textOf(m: Message): string {
  if (Array.isArray(m.parts)) return textOfParts(m.parts);
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) return textOfParts(m.content);
  return '';
}

function side(value: unknown, fallback: Turn['role'], out: Turn[]): void {
  if (typeof value === 'string') {
    if (value.trim()) out.push({ role: fallback, text: value.slice(0, MAX_TURN_CHARS) });
    return;
  }
  if (!Array.isArray(value)) return;
  for (const m of value) {
    if (!m || typeof m !== 'object') continue;
    const role = typeof (m as Message).role === 'string' ? ((m as Message).role as string).toLowerCase() : fallback;
    const who = role === 'user' || role === 'human' ? 'user' : role === 'assistant' || role === 'model' || role === 'ai' ? 'assistant' : null;
    if (!who) continue;
    const text = textOf(m as Message).trim();
    if (text) out.push({ role: who, text: text.slice(0, MAX_TURN_CHARS) });
  }
}

/** The turns of an interaction's content (parsed or as the JSON text stored in interactions.content). */
export function turnsOf(content: unknown): Turn[] {
  let c = content;
  if (typeof c === 'string') {
    if (c === '') return [];
    try {
      c = JSON.parse(c) as unknown;
    } catch {
      return [];
    }
  }
  if (!c || typeof c !== 'object') return [];
  const out: Turn[] = [];
  side((c as { input?: unknown }).input, 'user', out);
  side((c as { output?: unknown }).output, 'assistant', out);
  return out;
}

/** The end user an interaction was for: its enduser.id or user.id attribute, when the push path kept one. */
export function userOf(attributes: Record<string, string> | undefined | null): string | null {
  const id = attributes?.['enduser.id'] ?? attributes?.['user.id'];
  return typeof id === 'string' && id.trim() !== '' ? id.trim().slice(0, 255) : null;
}
