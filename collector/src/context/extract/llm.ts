/**
 * The LLM extractor: the organisation's extractor model (ContextSettings.extractor, one of its
 * OpenAI or Anthropic connections) reads an interaction's turns and answers the context items in
 * them as JSON. It is called through the vendors' official SDKs at the connection's base URL (the
 * simulator's in demos and tests) with the connection's key, by the grounding judge's askJudge
 * (same clients, timeout and key scrubbing). Whatever it answers is read defensively: a reply that
 * is not the JSON asked for, a timeout or a vendor error is an ExtractorError, and the caller
 * falls back to the rules extractor with the reason logged.
 */
import { CONTEXT_TYPES, type ContextType } from '@ai-arm/schemas';
import { askJudge, JudgeError, type JudgeTarget } from '../../quality/grounding/judge';
import type { ExtractedItem } from './rules';
import type { Turn } from './turns';

/** The first line of every extraction prompt: the simulator recognises an extraction request by it. */
export const EXTRACT_MARKER = 'AI-ARM CONTEXT EXTRACTION v1';
export const EXTRACT_TIMEOUT_MS = 30_000;
/** What the turns may take of the prompt, in characters; the latest turns are kept. */
export const TURN_BUDGET = 48_000;
/** The most items one interaction gives. */
export const MAX_ITEMS = 50;

export type ExtractorTarget = JudgeTarget;

export class ExtractorError extends Error {
  override name = 'ExtractorError';
}

const SYSTEM = [
  'You extract what an assistant should remember about its user from one conversation: only what the user said about themselves or asked for, never general knowledge.',
  'FACT: a fact about the user or their account (order number, where they live, their plan). PREFERENCE: how they want to be answered, with a key (language, response_length, response_format, tone, name, contact_channel, units). INSTRUCTION: a standing order ("always ...", "never ..."), with a short key naming what it is about. INTENT: what the user wants now (refund, reset password, ...).',
  'Write each item as a short third-person statement ("The user lives in Berlin", "Answer in French", "Never mention competitors"). Leave out anything uncertain, hypothetical or negated.',
  'Reply with JSON only, no prose: {"items":[{"type":"FACT"|"PREFERENCE"|"INSTRUCTION"|"INTENT","content":"<statement>","key":"<key for PREFERENCE and INSTRUCTION, else null>","confidence":<0 to 1>,"tags":["<one word or two>"]}]}; {"items":[]} when there is nothing.',
].join('\n');

/** The latest turns that fit the budget, in order. */
function budgeted(turns: readonly Turn[]): { turns: Turn[]; cut: boolean } {
  const kept: Turn[] = [];
  let size = 0;
  for (let i = turns.length - 1; i >= 0; i--) {
    const t = turns[i]!;
    if (size + t.text.length > TURN_BUDGET) {
      if (kept.length === 0) kept.unshift({ role: t.role, text: t.text.slice(-TURN_BUDGET) });
      return { turns: kept, cut: true };
    }
    kept.unshift(t);
    size += t.text.length;
  }
  return { turns: kept, cut: false };
}

/** The system and user messages of an extraction request. */
export function extractionPrompt(turns: readonly Turn[]): { system: string; user: string } {
  const b = budgeted(turns);
  const user = [EXTRACT_MARKER, `Extract the context items from these ${b.turns.length} turns${b.cut ? ' (earlier turns were left out to fit)' : ''}.`, '<<<TURNS', JSON.stringify({ turns: b.turns }), 'TURNS>>>'].join('\n');
  return { system: SYSTEM, user };
}

/** The JSON in a reply: all of it, inside a ```json fence, or from the first { to the last }. */
function jsonOf(text: string): unknown {
  const attempts = [text.trim(), /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1]?.trim(), text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)];
  for (const a of attempts) {
    if (!a) continue;
    try {
      return JSON.parse(a) as unknown;
    } catch {
      // the next reading
    }
  }
  throw new ExtractorError(`the extractor's reply is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
}

const TYPES = new Set<string>(CONTEXT_TYPES.filter((t) => t !== 'CONVERSATION'));
const clean = (s: string, max: number) => s.replace(/\s+/g, ' ').trim().slice(0, max);

/**
 * The items in a reply. Entries that are not objects, give no known type or no content are left
 * out; a reply without an "items" list is an ExtractorError (an empty list is an answer: nothing).
 */
export function parseExtraction(text: string): ExtractedItem[] {
  const doc = jsonOf(text);
  const list = Array.isArray(doc) ? doc : (doc as { items?: unknown } | null)?.items;
  if (!Array.isArray(list)) throw new ExtractorError('the extractor\'s reply has no "items" list');
  const out: ExtractedItem[] = [];
  for (const entry of list.slice(0, MAX_ITEMS)) {
    if (entry === null || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    const type = typeof e.type === 'string' ? e.type.toUpperCase() : '';
    const content = typeof e.content === 'string' ? clean(e.content, 2000) : '';
    if (!TYPES.has(type) || content === '') continue;
    const key = (type === 'PREFERENCE' || type === 'INSTRUCTION') && typeof e.key === 'string' && e.key.trim() !== '' ? clean(e.key, 128).toLowerCase() : null;
    const confidence = typeof e.confidence === 'number' && Number.isFinite(e.confidence) ? Math.min(1, Math.max(0, e.confidence)) : 0.7;
    const tags = Array.isArray(e.tags) ? [...new Set(e.tags.filter((t): t is string => typeof t === 'string').map((t) => clean(t, 64)).filter(Boolean))].slice(0, 8) : [];
    out.push({ type: type as ContextType, content, key, confidence: Math.round(confidence * 100) / 100, tags });
  }
  return out;
}

/** The items the model finds in the turns, or an ExtractorError saying why not. */
export async function extractByModel(target: ExtractorTarget, turns: readonly Turn[], timeoutMs = EXTRACT_TIMEOUT_MS): Promise<ExtractedItem[]> {
  if (turns.length === 0) return [];
  let text: string;
  try {
    text = await askJudge(target, extractionPrompt(turns), timeoutMs);
  } catch (err) {
    // askJudge speaks of "the evaluator"; here that model is the extractor.
    if (err instanceof JudgeError) throw new ExtractorError(err.message.replace(/^the evaluator/, 'the extractor'));
    throw err;
  }
  return parseExtraction(text);
}

