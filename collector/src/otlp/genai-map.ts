import type { InteractionInput } from '../interactions/interaction';
import { contentValue, count, first, indexed, instructionsText, normaliseProvider, REQUEST_TYPE_OPERATION, secondsMs, storable, text, toolNamesOf } from './genai-attrs';
import type { AttrValue, Attrs, OtlpGroup, OtlpLogRecord, OtlpSpan } from './model';
import { SpanContent } from './span-content';

/**
 * OTel GenAI spans (and the few log events that carry a whole request) to the pipeline's
 * InteractionInput. Every attribute read here, with the instrumentation that sends it, is in the
 * table of /work/helpers/readme-otlp.md, and each row has a test (test/otlp/genai-map.test.ts).
 */

export type Mapped = { item: InteractionInput } | { skip: true } | { reason: string };

/** Operations that are not a model call: they describe an agent or a tool and lend their agent to the calls under them. */
const NOT_MODEL_CALLS = new Set(['invoke_agent', 'create_agent', 'execute_tool', 'invoke_workflow']);
const AGENT_OPERATIONS = new Set(['invoke_agent', 'create_agent']);

/** Whether a span speaks GenAI at all: any gen_ai.* or llm.* attribute. Others are not ours and are ignored. */
export function isGenAi(a: Attrs): boolean {
  // The keys nearly every GenAI span has, looked up first: a walk over the keys of an object with
  // a score of them (past 16, in dictionary mode) lists them all each time.
  if (a['gen_ai.request.model'] !== undefined || a['gen_ai.operation.name'] !== undefined || a['gen_ai.provider.name'] !== undefined || a['gen_ai.system'] !== undefined) return true;
  for (const key in a) if (key.startsWith('gen_ai.') || key.startsWith('llm.')) return true;
  return false;
}

const operationOf = (a: Attrs): string => {
  const op = text(a, ['gen_ai.operation.name'], 64);
  if (op) return op;
  const type = text(a, ['llm.request.type'], 64);
  return (type && REQUEST_TYPE_OPERATION[type]) ?? 'chat';
};

interface AgentRef {
  id?: string;
  name?: string;
}

/** The agent a span names itself: gen_ai.agent.*, or OpenLLMetry's agent entity (traceloop.span.kind = agent). */
function ownAgent(a: Attrs): AgentRef | undefined {
  const id = text(a, ['gen_ai.agent.id']);
  const name = text(a, ['gen_ai.agent.name']) ?? (a['traceloop.span.kind'] === 'agent' ? text(a, ['traceloop.entity.name']) : undefined);
  if (!id && !name) return undefined;
  const ref: AgentRef = {};
  if (id) ref.id = id;
  if (name) ref.name = name;
  return ref;
}

/**
 * Input tokens, uncached only. The semconv's gen_ai.usage.input_tokens includes the cache reads
 * and writes (OpenAI's prompt_tokens does; OpenLLMetry adds Anthropic's cache tokens to it), so
 * they are taken off. OpenLIT records Anthropic's own input_tokens, which excludes them, and is
 * taken as is; so is any count smaller than its cache parts (an instrumentation that did the same).
 */
function uncachedInput(total: number, cacheRead: number, cacheWrite: number, provider: string, openlit: boolean): number {
  if (openlit && provider === 'anthropic') return total;
  if (total < cacheRead + cacheWrite) return total;
  return total - cacheRead - cacheWrite;
}

const TOKEN_KEYS = {
  input: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'],
  output: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'],
  cacheRead: ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens', 'gen_ai.usage.prompt_tokens_details.cached_tokens'],
  cacheWrite: ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens', 'gen_ai.usage.prompt_tokens_details.cache_creation_tokens'],
  total: ['llm.usage.total_tokens', 'gen_ai.usage.total_tokens'],
} as const;

const TTFT_SECONDS = ['gen_ai.response.time_to_first_chunk', 'gen_ai.server.time_to_first_token'];
const FIRST_CHUNK_EVENTS = new Set(['gen_ai.content.completion.chunk', 'llm.content.completion.chunk']);

/** Messages from OpenLLMetry's indexed attributes (`gen_ai.prompt.0.role`, `.content`). */
function indexedMessages(a: Attrs, prefix: string): { role?: AttrValue; content?: AttrValue }[] | undefined {
  if (!hasIndexed(a, prefix)) return undefined;
  const list = indexed(a, prefix);
  return list.length ? list.map((m) => ({ ...(m.role !== undefined ? { role: m.role } : {}), ...(m.content !== undefined ? { content: m.content } : {}) })) : undefined;
}

/** Whether OpenLLMetry's indexed messages are there at all (checked before the scan over every key). */
const hasIndexed = (a: Attrs, prefix: string): boolean => a[`${prefix}.0.content`] !== undefined || a[`${prefix}.0.role`] !== undefined;

interface Common {
  resource: Attrs;
  scopeName: string;
  attributes: Attrs;
  startedAtMs: number;
  durationMs: number;
  timeToFirstTokenMs?: number;
  failed: boolean;
  statusMessage?: string;
  id: string;
  traceId?: string;
  spanId?: string;
  inherited?: AgentRef;
  /** Content OpenLIT put on span events (gen_ai.content.prompt / gen_ai.content.completion) rather than attributes. */
  eventContent?: { input?: AttrValue; output?: AttrValue };
}

/** The attribute-driven part of the mapping, shared by spans and log events. */
function mapAttributes(c: Common): Mapped {
  const a = c.attributes;
  const requestModel = text(a, ['gen_ai.request.model', 'gen_ai.response.model']);
  if (!requestModel) return { reason: `${c.id}: a GenAI model call needs gen_ai.request.model (or gen_ai.response.model)` };
  const provider = normaliseProvider(text(a, ['gen_ai.provider.name', 'gen_ai.system'], 64) ?? 'unknown');
  const openlit = a['telemetry.sdk.name'] === 'openlit' || c.resource['telemetry.sdk.name'] === 'openlit';

  const counts: Record<keyof typeof TOKEN_KEYS, number | undefined> = { input: undefined, output: undefined, cacheRead: undefined, cacheWrite: undefined, total: undefined };
  for (const k of Object.keys(TOKEN_KEYS) as (keyof typeof TOKEN_KEYS)[]) {
    const n = count(a, TOKEN_KEYS[k]);
    if (n === false) return { reason: `${c.id}: ${TOKEN_KEYS[k].find((key) => a[key] !== undefined)} must be a non-negative integer` };
    counts[k] = n;
  }
  const output = counts.output ?? 0;
  const cacheRead = counts.cacheRead ?? 0;
  const cacheWrite = counts.cacheWrite ?? 0;
  // OpenLLMetry may send only the total: the input is what the output leaves of it.
  const inputTotal = counts.input ?? (counts.total !== undefined ? Math.max(0, counts.total - output) : 0);
  const input = uncachedInput(inputTotal, cacheRead, cacheWrite, provider, openlit);

  const errorType = text(a, ['error.type'], 128);
  const failed = c.failed || errorType !== undefined;
  const system = instructionsText(first(a, ['gen_ai.system_instructions'])) ?? systemFromIndexed(a);
  const toolNames = toolNamesOf(first(a, ['gen_ai.tool.definitions']));
  if (toolNames.length === 0 && a['llm.request.functions.0.name'] !== undefined) for (const f of indexed(a, 'llm.request.functions')) if (typeof f.name === 'string' && f.name) toolNames.push(text(f, ['name']) ?? '');
  const rawIn = first(a, ['gen_ai.input.messages']) ?? (indexedMessages(a, 'gen_ai.prompt') as AttrValue | undefined) ?? first(a, ['gen_ai.prompt']) ?? c.eventContent?.input ?? undefined;
  const contentOut = contentValue(first(a, ['gen_ai.output.messages']) ?? (indexedMessages(a, 'gen_ai.completion') as AttrValue | undefined) ?? first(a, ['gen_ai.completion']) ?? c.eventContent?.output);
  const own = ownAgent(a) ?? c.inherited;
  const agentName = own?.name ?? text(a, ['traceloop.workflow.name']);
  const serviceName = text(c.resource, ['service.name']) ?? text(a, ['service.name']);
  const conversationId = text(a, ['gen_ai.conversation.id']);
  const responseModel = text(a, ['gen_ai.response.model']);
  // Built field by field, not from spreads of small objects: this runs once per span.
  const agent: InteractionInput['agent'] = {};
  if (own?.id) agent.id = own.id;
  if (agentName) agent.name = agentName;
  if (serviceName) agent.serviceName = serviceName;
  const item: InteractionInput = { id: c.id, source: 'otlp', agent, provider, operation: operationOf(a), requestModel } as InteractionInput;
  if (responseModel) item.responseModel = responseModel;
  item.startedAtMs = c.startedAtMs;
  item.durationMs = c.durationMs;
  if (c.timeToFirstTokenMs !== undefined) item.timeToFirstTokenMs = c.timeToFirstTokenMs;
  item.tokens = { input, output, cacheRead, cacheWrite };
  item.status = failed ? 'error' : 'ok';
  if (failed) item.errorType = errorType ?? '_OTHER';
  if (conversationId) item.conversationId = conversationId;
  const userId = text(a, ['user.id', 'enduser.id'], 255);
  if (userId) item.userId = userId;
  if (c.traceId) item.traceId = c.traceId;
  if (c.spanId) item.spanId = c.spanId;
  if (system) item.systemInstructions = system;
  if (toolNames.length) item.toolNames = toolNames.slice(0, 256);
  if (system || rawIn !== undefined || contentOut !== undefined) {
    const content = new SpanContent(rawIn);
    if (system) content.system = system;
    if (contentOut !== undefined) content.output = contentOut;
    item.content = content;
  }
  const attributes: Record<string, string> = { 'otel.scope.name': storable(c.scopeName.slice(0, 255)) };
  if (openlit) attributes['telemetry.sdk.name'] = 'openlit';
  item.attributes = attributes;
  return { item };
}

/** System instructions from OpenLLMetry's indexed prompt messages (role "system"). */
function systemFromIndexed(a: Attrs): string | undefined {
  if (!hasIndexed(a, 'gen_ai.prompt')) return undefined;
  const parts = indexed(a, 'gen_ai.prompt').filter((m) => m.role === 'system' && typeof m.content === 'string').map((m) => m.content as string);
  return parts.length ? instructionsText(parts.join('\n')) : undefined;
}

const HEX_TRACE = /^[0-9a-f]{32}$/;
const HEX_SPAN = /^[0-9a-f]{16}$/;

/** One span, given the agent its nearest agent ancestor in the same request names (if any). */
export function mapSpan(span: OtlpSpan, resource: Attrs, scopeName: string, inherited?: AgentRef): Mapped {
  const a = span.attributes;
  if (!isGenAi(a)) return { skip: true };
  if (NOT_MODEL_CALLS.has(String(a['gen_ai.operation.name'] ?? ''))) return { skip: true };
  if (!HEX_TRACE.test(span.traceId) || !HEX_SPAN.test(span.spanId)) return { reason: `span "${span.name.slice(0, 64)}": trace id must be 16 bytes and span id 8 bytes` };
  const id = `${span.traceId}:${span.spanId}`;
  if (!(span.startMs > 0)) return { reason: `${id}: the span has no start time` };
  let ttft = secondsMs(a, TTFT_SECONDS);
  if (ttft === undefined) {
    for (const e of span.events) {
      if (FIRST_CHUNK_EVENTS.has(e.name) && e.timeMs >= span.startMs) {
        ttft = e.timeMs - span.startMs;
        break;
      }
    }
  }
  let eventContent: Common['eventContent'];
  for (const e of span.events) {
    if (e.name === 'gen_ai.content.prompt') (eventContent ??= {}).input = first(e.attributes, ['gen_ai.input.messages', 'gen_ai.prompt']);
    else if (e.name === 'gen_ai.content.completion') (eventContent ??= {}).output = first(e.attributes, ['gen_ai.output.messages', 'gen_ai.completion']);
  }
  return mapAttributes({
    resource,
    scopeName,
    attributes: a,
    eventContent,
    id,
    traceId: span.traceId,
    spanId: span.spanId,
    startedAtMs: span.startMs,
    durationMs: Math.min(86_400_000, Math.max(0, span.endMs - span.startMs)),
    ...(ttft !== undefined ? { timeToFirstTokenMs: ttft } : {}),
    failed: span.statusCode === 2,
    inherited,
  });
}

export interface MappedBatch {
  items: InteractionInput[];
  /** Spans or records refused, each with why. */
  rejected: string[];
}

/**
 * A request's spans: model calls become interactions; a call without agent attributes takes the
 * agent of its nearest invoke_agent (or OpenLLMetry agent) ancestor sent in the same request.
 */
export function mapTraceRequest(groups: readonly OtlpGroup<OtlpSpan>[]): MappedBatch {
  const agents = new Map<string, AgentRef>();
  const parents = new Map<string, string>();
  for (const g of groups) {
    for (const s of g.items) {
      if (s.parentSpanId) parents.set(s.spanId, s.parentSpanId);
      const op = s.attributes['gen_ai.operation.name'];
      if ((typeof op === 'string' && AGENT_OPERATIONS.has(op)) || s.attributes['traceloop.span.kind'] === 'agent') {
        const ref = ownAgent(s.attributes);
        if (ref) agents.set(s.spanId, ref);
      }
    }
  }
  const out: MappedBatch = { items: [], rejected: [] };
  for (const g of groups) {
    for (const s of g.items) {
      let inherited: AgentRef | undefined;
      if (agents.size > 0) for (let p = parents.get(s.spanId), hops = 0; p && hops < 64 && !inherited; p = parents.get(p), hops++) inherited = agents.get(p);
      const m = mapSpan(s, g.resource, g.scopeName, inherited);
      if ('item' in m) out.items.push(m.item);
      else if ('reason' in m) out.rejected.push(m.reason);
    }
  }
  return out;
}

/** The semconv event that carries a whole inference (its attributes are the span's). */
const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

/**
 * Log records: only gen_ai.client.inference.operation.details stands for a request. One that
 * belongs to a span (trace and span id set) is skipped, as the span is the interaction; one
 * without needs gen_ai.response.id to be stored once. The per-message events (gen_ai.user.message,
 * gen_ai.choice, ...) carry content only and are ignored.
 */
export function mapLogsRequest(groups: readonly OtlpGroup<OtlpLogRecord>[]): MappedBatch {
  const out: MappedBatch = { items: [], rejected: [] };
  for (const g of groups) {
    for (const l of g.items) {
      const name = l.eventName || (typeof l.attributes['event.name'] === 'string' ? l.attributes['event.name'] : '');
      if (name !== DETAILS_EVENT) continue;
      if (l.traceId && l.spanId && !/^0+$/.test(l.spanId)) continue;
      const responseId = text(l.attributes, ['gen_ai.response.id']);
      if (!responseId) {
        out.rejected.push(`${DETAILS_EVENT} without a span needs gen_ai.response.id (it is the record's id)`);
        continue;
      }
      const m = mapAttributes({
        resource: g.resource,
        scopeName: g.scopeName,
        attributes: l.attributes,
        id: `log:${responseId}`,
        startedAtMs: l.timeMs,
        durationMs: 0,
        ...(secondsMs(l.attributes, TTFT_SECONDS) !== undefined ? { timeToFirstTokenMs: secondsMs(l.attributes, TTFT_SECONDS)! } : {}),
        failed: false,
      });
      if (!(l.timeMs > 0)) out.rejected.push(`log:${responseId}: the record has no time`);
      else if ('item' in m) out.items.push(m.item);
      else if ('reason' in m) out.rejected.push(m.reason);
    }
  }
  return out;
}
