/**
 * The LLM judge: the organisation's evaluator model (one of its OpenAI or Anthropic connections,
 * QualitySettings' evaluator) is given the claims, as claims.ts cut them, and the sources, and
 * answers with a status, a reason and a confidence per claim, as JSON. It is called through the
 * vendors' official SDKs at the connection's base URL (the simulator's, in demos and tests), with
 * the connection's key. Whatever it answers is read defensively: a reply that is not the JSON asked
 * for, a timeout or a vendor error is a JudgeError, and the caller falls back to the rules.
 */
import { chat, isTimeout } from '../../connectors/chat';
import type { GroundedClaim } from '@ai-arm/schemas';
import type { ClaimSpan } from './claims';

/** The first line of every judge prompt: the simulator recognises a grounding request by it. */
export const JUDGE_MARKER = 'AI-ARM GROUNDING CHECK v1';
/** What the sources may take of the prompt, in characters; longer sources are cut (and the prompt says so). */
export const SOURCE_BUDGET = 100_000;
export const JUDGE_TIMEOUT_MS = 30_000;

export interface JudgeTarget {
  vendor: 'OPENAI' | 'ANTHROPIC';
  baseUrl: string;
  apiKey: string;
  model: string;
}

export interface JudgedClaim {
  status: GroundedClaim['status'];
  reason: string;
  confidence: number;
  evidence: GroundedClaim['evidence'];
  suggestedCorrection?: string;
}

export class JudgeError extends Error {
  override name = 'JudgeError';
}

const SYSTEM = [
  'You check whether each claim of an answer is grounded in the given sources. Judge every claim only against the sources, never against what you know.',
  'SUPPORTED: the sources state it (a paraphrase counts). CONTRADICTED: the sources state something incompatible (another number, date, name, or the opposite). UNSUPPORTED: the sources do not say it either way.',
  'Reply with JSON only, no prose: {"claims":[{"id":<claim id>,"status":"SUPPORTED"|"CONTRADICTED"|"UNSUPPORTED","reason":"<one sentence>","confidence":<0 to 1>,"source":<index of the source relied on, or null>,"quote":"<the exact words of that source, or null>","correction":"<what the sources say instead, for CONTRADICTED, or null>"}]} with one entry per claim id.',
].join('\n');

/** Each source cut to its share of the budget, so one huge document cannot crowd out the others. */
function budgeted(sources: readonly string[]): { sources: string[]; cut: boolean } {
  const total = sources.reduce((s, x) => s + x.length, 0);
  if (total <= SOURCE_BUDGET) return { sources: [...sources], cut: false };
  const share = Math.floor(SOURCE_BUDGET / sources.length);
  return { sources: sources.map((s) => s.slice(0, share)), cut: true };
}

/** The system and user messages of a judge request. */
export function judgePrompt(claims: readonly ClaimSpan[], sources: readonly string[]): { system: string; user: string } {
  const b = budgeted(sources);
  const input = { claims: claims.map((c, id) => ({ id, text: c.text })), sources: b.sources };
  const user = [
    JUDGE_MARKER,
    `Judge each of the ${claims.length} claims against the ${sources.length} sources${b.cut ? ' (long sources were cut to fit)' : ''}.`,
    '<<<INPUT',
    JSON.stringify(input),
    'INPUT>>>',
  ].join('\n');
  return { system: SYSTEM, user };
}

const STATUSES = new Set(['SUPPORTED', 'CONTRADICTED', 'UNSUPPORTED']);

/** The JSON object in a model's reply: the whole of it, or inside a ```json fence, or from the first { to the last }. */
function jsonOf(text: string): unknown {
  const attempts = [text.trim(), /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1]?.trim(), text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)];
  for (const a of attempts) {
    if (!a) continue;
    try {
      return JSON.parse(a) as unknown;
    } catch {
      // try the next reading
    }
  }
  throw new JudgeError(`the evaluator's reply is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
}

/**
 * The judgements in a reply, by claim id. Entries that are not objects, name no known claim, or
 * give no known status are left out (the caller judges those claims by the rules); a reply with
 * no usable entry at all is a JudgeError.
 */
export function parseJudgement(text: string, claims: readonly ClaimSpan[], sources: readonly string[]): Map<number, JudgedClaim> {
  const doc = jsonOf(text);
  const list = Array.isArray(doc) ? doc : (doc as { claims?: unknown } | null)?.claims;
  if (!Array.isArray(list)) throw new JudgeError('the evaluator\'s reply has no "claims" list');
  const out = new Map<number, JudgedClaim>();
  for (const entry of list) {
    if (entry === null || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    const id = typeof e.id === 'number' ? e.id : typeof e.id === 'string' ? Number(e.id) : NaN;
    const status = typeof e.status === 'string' ? e.status.toUpperCase() : '';
    if (!Number.isInteger(id) || id < 0 || id >= claims.length || !STATUSES.has(status) || out.has(id)) continue;
    const confidence = typeof e.confidence === 'number' && Number.isFinite(e.confidence) ? Math.min(1, Math.max(0, e.confidence)) : 0.7;
    const reason = typeof e.reason === 'string' && e.reason.trim() !== '' ? e.reason.trim().slice(0, 500) : `the evaluator found it ${status.toLowerCase()}`;
    const source = typeof e.source === 'number' && Number.isInteger(e.source) && e.source >= 0 && e.source < sources.length ? e.source : null;
    const quote = typeof e.quote === 'string' && e.quote.length > 0 ? e.quote : null;
    let evidence: GroundedClaim['evidence'] = null;
    if (source !== null && quote !== null) {
      const at = sources[source]!.indexOf(quote);
      if (at >= 0) evidence = { source, start: at, end: at + quote.length };
    }
    const correction = typeof e.correction === 'string' && e.correction.trim() !== '' ? e.correction.trim().slice(0, 500) : undefined;
    out.set(id, { status: status as GroundedClaim['status'], reason, confidence: Math.round(confidence * 100) / 100, evidence, ...(correction && status === 'CONTRADICTED' ? { suggestedCorrection: correction } : {}) });
  }
  if (out.size === 0) throw new JudgeError('the evaluator\'s reply judges none of the claims');
  return out;
}

/** Asks the evaluator model; resolves with its reply's text. Vendor errors and timeouts become JudgeErrors. */
export async function askJudge(target: JudgeTarget, prompt: { system: string; user: string }, timeoutMs = JUDGE_TIMEOUT_MS): Promise<string> {
  const started = Date.now();
  try {
    return await chat(target, prompt, { timeoutMs, json: true });
  } catch (err) {
    // The SDKs' messages name the status and the vendor's words; the key is taken out in case a proxy echoes it.
    const e = err as Error & { status?: number };
    const message = e.message.split(target.apiKey).join('[key]').slice(0, 200);
    // A timed-out call surfaces as a timeout or, where the runtime's abort differs, a connection error: the clock tells them apart.
    const timedOut = isTimeout(err) || (err instanceof Error && e.status === undefined && Date.now() - started >= timeoutMs);
    throw new JudgeError(timedOut ? `the evaluator did not answer within ${timeoutMs} ms` : `the evaluator failed: ${e.status ? `${e.status} ` : ''}${message}`);
  }
}

/** The claims judged by the model (those it answered for), or a JudgeError saying why not. */
export async function judgeByModel(target: JudgeTarget, claims: readonly ClaimSpan[], sources: readonly string[], timeoutMs = JUDGE_TIMEOUT_MS): Promise<Map<number, JudgedClaim>> {
  if (claims.length === 0) return new Map();
  const text = await askJudge(target, judgePrompt(claims, sources), timeoutMs);
  return parseJudgement(text, claims, sources);
}
