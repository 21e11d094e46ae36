import { MAX_JSON_DEPTH, valueDepthOver } from '../security/json-depth';
import { storableText, unstorableBecause } from '../security/storable-text';
import type { AttrValue, Attrs } from './model';

/**
 * Reading GenAI attribute values as instrumentations send them: a number may arrive as a
 * string, a structured value (gen_ai.input.messages, gen_ai.tool.definitions) as JSON text.
 * Where each spelling comes from is in /work/helpers/readme-otlp.md (README "OTLP receiver").
 */

/** Longest text kept of one content field or the system instructions (the ingest API's bound). */
export const MAX_TEXT = 262_144;
const MAX_NAME = 255;

/** Text a store can hold: a NUL byte or a lone surrogate (both sendable in OTLP/JSON, NUL in protobuf) becomes U+FFFD. */
/** Text a store can hold: a lone surrogate (a pair cut by a slice) or a NUL becomes U+FFFD. */
export const storable = (s: string): string => (unstorableBecause(s) ? storableText(s) : s);

export const first = (a: Attrs, keys: readonly string[]): AttrValue | undefined => {
  for (const k of keys) {
    const v = a[k];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
};

export function text(a: Attrs, keys: readonly string[], max = MAX_NAME): string | undefined {
  const v = first(a, keys);
  if (v === undefined) return undefined;
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  return s === undefined || s.trim() === '' ? undefined : storable(s.slice(0, max));
}

/** A token count: a non-negative integer, as a number or numeric text; `false` when it is something else (1.5 tokens too). */
export function count(a: Attrs, keys: readonly string[]): number | undefined | false {
  const v = first(a, keys);
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.0*)?\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 1e12 ? n : false;
}

/** Seconds (a double, as the semconv and OpenLIT record times) to milliseconds; nothing for <= 0. */
export function secondsMs(a: Attrs, keys: readonly string[]): number | undefined {
  const v = first(a, keys);
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 && n < 86_400 ? n * 1000 : undefined;
}

/** A structured attribute: as sent, or parsed when it came as JSON text (spans allow either). */
export function structured(v: AttrValue | undefined): AttrValue | undefined {
  if (typeof v !== 'string') return v ?? undefined;
  const t = v.trimStart();
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      const parsed = JSON.parse(v) as AttrValue;
      // Nested past MAX_JSON_DEPTH, it stays text: as a structure it overflowed the stack of what walks it (a 500 for the whole export).
      return valueDepthOver(parsed, MAX_JSON_DEPTH) ? v : parsed;
    } catch {
      return v;
    }
  }
  return v;
}

/**
 * System instructions as text: the semconv's array of parts (`{type:"text", content}`), a
 * message list, or plain text.
 */
export function instructionsText(v: AttrValue | undefined): string | undefined {
  return typeof v === 'string' ? memo(instructionsMemo, v, instructionsTextOf) : instructionsTextOf(v);
}

// Every span of an agent repeats its system instructions and tool definitions as the same JSON
// text: what they parse to is kept for the text, so each distinct text is parsed once in a while.
const MEMO_MAX = 512;
const MEMO_MIN_LENGTH = 16;
const instructionsMemo = new Map<string, string | undefined>();
const toolsMemo = new Map<string, string[]>();
function memo<T>(cache: Map<string, T>, key: string, compute: (v: AttrValue) => T): T {
  if (key.length < MEMO_MIN_LENGTH || key.length > 65_536) return compute(key);
  if (cache.has(key)) return cache.get(key)!;
  const value = compute(key);
  if (cache.size >= MEMO_MAX) cache.clear();
  cache.set(key, value);
  return value;
}

function instructionsTextOf(v: AttrValue | undefined): string | undefined {
  const s = structured(v);
  if (s === undefined || s === null) return undefined;
  if (typeof s === 'string') return storable(s.slice(0, MAX_TEXT)) || undefined;
  const parts: string[] = [];
  const walk = (x: AttrValue, depth: number): void => {
    if (depth > 4 || x === null) return;
    if (typeof x === 'string') parts.push(x);
    else if (Array.isArray(x)) x.forEach((y) => walk(y, depth + 1));
    else if (typeof x === 'object') {
      if (typeof x.content === 'string') parts.push(x.content);
      else if (x.content !== undefined) walk(x.content, depth + 1);
      else if (Array.isArray(x.parts)) walk(x.parts, depth + 1);
    }
  };
  walk(s, 0);
  const joined = parts.join('\n');
  return joined ? storable(joined.slice(0, MAX_TEXT)) : undefined;
}

/** Tool names from a definitions list: `[{type, name}]` (semconv) or `[{function: {name}}]` (OpenAI's request shape). */
export function toolNamesOf(v: AttrValue | undefined): string[] {
  // A copy: the caller may add to the list it gets.
  return typeof v === 'string' ? [...memo(toolsMemo, v, toolNamesFrom)] : toolNamesFrom(v);
}

function toolNamesFrom(v: AttrValue | undefined): string[] {
  const s = structured(v);
  if (!Array.isArray(s)) return [];
  const names: string[] = [];
  for (const t of s) {
    if (t === null || typeof t !== 'object' || Array.isArray(t)) continue;
    const fn = t.function;
    const name = typeof t.name === 'string' ? t.name : fn && typeof fn === 'object' && !Array.isArray(fn) && typeof fn.name === 'string' ? fn.name : undefined;
    if (name) names.push(storable(name.slice(0, MAX_NAME)));
  }
  return names;
}

/**
 * Indexed attributes (`<prefix>.<n>.<field>`, OpenLLMetry's gen_ai.prompt.0.content and
 * llm.request.functions.0.name) as a list of records, in index order.
 */
export function indexed(a: Attrs, prefix: string): Record<string, AttrValue>[] {
  const byIndex = new Map<number, Record<string, AttrValue>>();
  const p = `${prefix}.`;
  for (const key in a) {
    if (!key.startsWith(p)) continue;
    const rest = key.slice(p.length);
    const dot = rest.indexOf('.');
    if (dot <= 0) continue;
    const n = Number(rest.slice(0, dot));
    if (!Number.isInteger(n) || n < 0 || n > 10_000) continue;
    const rec = byIndex.get(n) ?? {};
    rec[rest.slice(dot + 1)] = a[key]!;
    byIndex.set(n, rec);
  }
  return [...byIndex.entries()].sort((x, y) => x[0] - y[0]).map(([, r]) => r);
}

/** Bounds a content value: text longer than MAX_TEXT is cut, structures whose JSON is longer become that text cut. */
function boundedContent(v: AttrValue | undefined): unknown {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.slice(0, MAX_TEXT);
  const json = JSON.stringify(v);
  return json.length <= MAX_TEXT ? v : json.slice(0, MAX_TEXT);
}

/**
 * JSON text at most this long stays within MAX_TEXT when parsed and written again: one character
 * becomes at most six (a lone surrogate written as an escape; a number such as 1e20 written out
 * grows less), so the common case is bounded without writing the JSON again.
 */
const SURELY_BOUNDED = Math.floor(MAX_TEXT / 6);

/** A content attribute as kept: parsed when it came as JSON text (structured), then bounded (boundedContent). */
export function contentValue(v: AttrValue | undefined): unknown {
  if (v === undefined || v === null) return undefined;
  const s = structured(v);
  return typeof v === 'string' && typeof s !== 'string' && v.length <= SURELY_BOUNDED ? s : boundedContent(s);
}

const PROVIDERS: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  azure: 'azure.ai.openai',
  azure_openai: 'azure.ai.openai',
  'az.ai.openai': 'azure.ai.openai',
  'azure.ai.openai': 'azure.ai.openai',
  'az.ai.inference': 'azure.ai.inference',
  'azure.ai.inference': 'azure.ai.inference',
  vertex_ai: 'gcp.vertex_ai',
  vertexai: 'gcp.vertex_ai',
  'gcp.vertex_ai': 'gcp.vertex_ai',
  gemini: 'gcp.gemini',
  google: 'gcp.gen_ai',
  'gcp.gemini': 'gcp.gemini',
  'gcp.gen_ai': 'gcp.gen_ai',
  aws_bedrock: 'aws.bedrock',
  bedrock: 'aws.bedrock',
  'aws.bedrock': 'aws.bedrock',
  mistralai: 'mistral_ai',
  mistral: 'mistral_ai',
  mistral_ai: 'mistral_ai',
  cohere: 'cohere',
  groq: 'groq',
  deepseek: 'deepseek',
  xai: 'x_ai',
  x_ai: 'x_ai',
  perplexity: 'perplexity',
  'ibm.watsonx.ai': 'ibm.watsonx.ai',
  watsonx: 'ibm.watsonx.ai',
};

/**
 * gen_ai.provider.name's well-known values from the older gen_ai.system spellings
 * (OpenLLMetry sends "OpenAI", "Anthropic", "MistralAI"; semconv 1.2x had "az.ai.openai",
 * "vertex_ai"); anything else lower-cased as sent.
 */
export const normaliseProvider = (raw: string): string => {
  const k = raw.trim().toLowerCase();
  // Lower-casing can lengthen text (İ is two code units lower-cased): cut after it, and mend a pair the cut split.
  return PROVIDERS[k] ?? PROVIDERS[k.replace(/[\s-]+/g, '_')] ?? storable(k.slice(0, 64));
};

/** OpenLLMetry's llm.request.type values to gen_ai.operation.name. */
export const REQUEST_TYPE_OPERATION: Record<string, string> = { chat: 'chat', completion: 'text_completion', embedding: 'embeddings', rerank: 'rerank' };
