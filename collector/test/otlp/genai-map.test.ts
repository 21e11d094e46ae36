import type { InteractionInput } from '../../src/interactions/interaction';
import { mapLogsRequest, mapSpan, mapTraceRequest } from '../../src/otlp/genai-map';
import type { Attrs, OtlpLogRecord, OtlpSpan } from '../../src/otlp/model';
import { decodeTraceRequest } from '../../src/otlp/protobuf';
import { decodeTraceJson } from '../../src/otlp/json';
import { encodeTraces } from './encode';

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

const span = (attributes: Attrs, over: Partial<OtlpSpan> = {}): OtlpSpan => ({ traceId: TRACE, spanId: SPAN, parentSpanId: '', name: 'chat', startMs: T0, endMs: T0 + 800, attributes, events: [], statusCode: 0, statusMessage: '', ...over });
const BASE: Attrs = { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'base-model' };

function mapped(attrs: Attrs, opts: { without?: string[]; span?: Partial<OtlpSpan>; resource?: Attrs } = {}): InteractionInput {
  const a: Attrs = { ...BASE, ...attrs };
  for (const k of opts.without ?? []) delete a[k];
  const m = mapSpan(span(a, opts.span), opts.resource ?? { 'service.name': 'svc' }, 'scope');
  if (!('item' in m)) throw new Error(`not mapped: ${JSON.stringify(m)}`);
  return m.item;
}

const SEMCONV = 'semconv';
const OLD = 'semconv (deprecated)';
const OLLM = 'OpenLLMetry';
const OLIT = 'OpenLIT';

/**
 * Every row of the accepted-attributes table (README, "OTLP receiver"): a span with that
 * attribute, and the field of the interaction it must set.
 */
const ROWS: { attr: string; from: string; attrs: Attrs; without?: string[]; resource?: Attrs; spanOver?: Partial<OtlpSpan>; expect: (i: InteractionInput) => unknown; want: unknown }[] = [
  { attr: 'gen_ai.provider.name', from: SEMCONV, attrs: { 'gen_ai.provider.name': 'anthropic' }, expect: (i) => i.provider, want: 'anthropic' },
  { attr: 'gen_ai.system', from: OLD, attrs: { 'gen_ai.system': 'az.ai.openai' }, without: ['gen_ai.provider.name'], expect: (i) => i.provider, want: 'azure.ai.openai' },
  { attr: 'gen_ai.system (OpenLLMetry spelling)', from: OLLM, attrs: { 'gen_ai.system': 'Anthropic' }, without: ['gen_ai.provider.name'], expect: (i) => i.provider, want: 'anthropic' },
  { attr: 'gen_ai.operation.name', from: SEMCONV, attrs: { 'gen_ai.operation.name': 'text_completion' }, expect: (i) => i.operation, want: 'text_completion' },
  { attr: 'llm.request.type', from: OLLM, attrs: { 'llm.request.type': 'embedding' }, expect: (i) => i.operation, want: 'embeddings' },
  { attr: 'gen_ai.request.model', from: SEMCONV, attrs: { 'gen_ai.request.model': 'gpt-4o' }, expect: (i) => i.requestModel, want: 'gpt-4o' },
  { attr: 'gen_ai.response.model', from: SEMCONV, attrs: { 'gen_ai.response.model': 'gpt-4o-2024-08-06' }, without: ['gen_ai.request.model'], expect: (i) => [i.requestModel, i.responseModel], want: ['gpt-4o-2024-08-06', 'gpt-4o-2024-08-06'] },
  { attr: 'gen_ai.usage.input_tokens', from: SEMCONV, attrs: { 'gen_ai.usage.input_tokens': 100 }, expect: (i) => i.tokens.input, want: 100 },
  { attr: 'gen_ai.usage.prompt_tokens', from: OLD, attrs: { 'gen_ai.usage.prompt_tokens': '100' }, expect: (i) => i.tokens.input, want: 100 },
  { attr: 'gen_ai.usage.output_tokens', from: SEMCONV, attrs: { 'gen_ai.usage.output_tokens': 20 }, expect: (i) => i.tokens.output, want: 20 },
  { attr: 'gen_ai.usage.completion_tokens', from: OLD, attrs: { 'gen_ai.usage.completion_tokens': 20 }, expect: (i) => i.tokens.output, want: 20 },
  { attr: 'gen_ai.usage.cache_read.input_tokens', from: SEMCONV, attrs: { 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.cache_read.input_tokens': 30 }, expect: (i) => [i.tokens.input, i.tokens.cacheRead], want: [70, 30] },
  { attr: 'gen_ai.usage.cache_creation.input_tokens', from: SEMCONV, attrs: { 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.cache_creation.input_tokens': 10 }, expect: (i) => [i.tokens.input, i.tokens.cacheWrite], want: [90, 10] },
  { attr: 'gen_ai.usage.cache_read_input_tokens', from: OLLM, attrs: { 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.cache_read_input_tokens': 30 }, expect: (i) => [i.tokens.input, i.tokens.cacheRead], want: [70, 30] },
  { attr: 'gen_ai.usage.cache_creation_input_tokens', from: OLLM, attrs: { 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.cache_creation_input_tokens': 10 }, expect: (i) => [i.tokens.input, i.tokens.cacheWrite], want: [90, 10] },
  { attr: 'gen_ai.usage.prompt_tokens_details.cached_tokens', from: OLIT, attrs: { 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.prompt_tokens_details.cached_tokens': 40 }, expect: (i) => [i.tokens.input, i.tokens.cacheRead], want: [60, 40] },
  { attr: 'gen_ai.usage.prompt_tokens_details.cache_creation_tokens', from: OLIT, attrs: { 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.prompt_tokens_details.cache_creation_tokens': 5 }, expect: (i) => [i.tokens.input, i.tokens.cacheWrite], want: [95, 5] },
  { attr: 'llm.usage.total_tokens', from: OLLM, attrs: { 'llm.usage.total_tokens': 150, 'gen_ai.usage.output_tokens': 50 }, expect: (i) => i.tokens.input, want: 100 },
  { attr: 'gen_ai.usage.total_tokens', from: `${OLLM}, ${OLIT}`, attrs: { 'gen_ai.usage.total_tokens': 150, 'gen_ai.usage.completion_tokens': 50 }, expect: (i) => i.tokens.input, want: 100 },
  { attr: 'telemetry.sdk.name = openlit (Anthropic input excludes cache)', from: OLIT, attrs: { 'telemetry.sdk.name': 'openlit', 'gen_ai.provider.name': 'anthropic', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.cache_read.input_tokens': 30 }, expect: (i) => [i.tokens.input, i.tokens.cacheRead], want: [100, 30] },
  { attr: 'gen_ai.agent.id', from: SEMCONV, attrs: { 'gen_ai.agent.id': 'asst_1' }, expect: (i) => i.agent.id, want: 'asst_1' },
  { attr: 'gen_ai.agent.name', from: SEMCONV, attrs: { 'gen_ai.agent.name': 'Support' }, expect: (i) => i.agent.name, want: 'Support' },
  { attr: 'traceloop.workflow.name', from: OLLM, attrs: { 'traceloop.workflow.name': 'triage' }, expect: (i) => i.agent.name, want: 'triage' },
  { attr: 'traceloop.span.kind = agent + traceloop.entity.name', from: OLLM, attrs: { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'planner' }, expect: (i) => i.agent.name, want: 'planner' },
  { attr: 'service.name (resource)', from: 'OTel resource semconv', attrs: {}, resource: { 'service.name': 'checkout' }, expect: (i) => i.agent.serviceName, want: 'checkout' },
  { attr: 'service.name (span attribute)', from: OLIT, attrs: { 'service.name': 'openlit-app' }, resource: {}, expect: (i) => i.agent.serviceName, want: 'openlit-app' },
  { attr: 'gen_ai.conversation.id', from: SEMCONV, attrs: { 'gen_ai.conversation.id': 'conv-9' }, expect: (i) => i.conversationId, want: 'conv-9' },
  { attr: 'user.id', from: 'semconv (user)', attrs: { 'user.id': 'u-42' }, expect: (i) => i.userId, want: 'u-42' },
  { attr: 'enduser.id', from: 'semconv (deprecated for user.id)', attrs: { 'enduser.id': 'u-7' }, expect: (i) => i.userId, want: 'u-7' },
  { attr: 'error.type', from: SEMCONV, attrs: { 'error.type': 'timeout' }, expect: (i) => [i.status, i.errorType], want: ['error', 'timeout'] },
  { attr: 'span status ERROR', from: 'OTLP', attrs: {}, spanOver: { statusCode: 2 }, expect: (i) => [i.status, i.errorType], want: ['error', '_OTHER'] },
  { attr: 'span start and end time', from: 'OTLP', attrs: {}, spanOver: { startMs: T0 + 0.5, endMs: T0 + 1200.5 }, expect: (i) => [i.startedAtMs, i.durationMs], want: [T0 + 0.5, 1200] },
  { attr: 'gen_ai.response.time_to_first_chunk', from: SEMCONV, attrs: { 'gen_ai.response.time_to_first_chunk': 0.25 }, expect: (i) => i.timeToFirstTokenMs, want: 250 },
  { attr: 'gen_ai.server.time_to_first_token', from: OLIT, attrs: { 'gen_ai.server.time_to_first_token': 0.3 }, expect: (i) => i.timeToFirstTokenMs, want: 300 },
  { attr: 'event gen_ai.content.completion.chunk', from: OLLM, attrs: {}, spanOver: { events: [{ name: 'gen_ai.content.completion.chunk', timeMs: T0 + 120, attributes: {} }] }, expect: (i) => i.timeToFirstTokenMs, want: 120 },
  { attr: 'gen_ai.system_instructions', from: SEMCONV, attrs: { 'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]) }, expect: (i) => [i.systemInstructions, i.content?.system], want: ['Be brief.', 'Be brief.'] },
  { attr: 'gen_ai.prompt.N.role = system / .content', from: OLLM, attrs: { 'gen_ai.prompt.0.role': 'system', 'gen_ai.prompt.0.content': 'You triage.', 'gen_ai.prompt.1.role': 'user', 'gen_ai.prompt.1.content': 'hi' }, expect: (i) => [i.systemInstructions, i.content?.input], want: ['You triage.', [{ role: 'system', content: 'You triage.' }, { role: 'user', content: 'hi' }]] },
  { attr: 'gen_ai.tool.definitions', from: SEMCONV, attrs: { 'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', name: 'search' }, { type: 'function', function: { name: 'fetch' } }]) }, expect: (i) => i.toolNames, want: ['search', 'fetch'] },
  { attr: 'llm.request.functions.N.name', from: OLLM, attrs: { 'llm.request.functions.0.name': 'lookup', 'llm.request.functions.1.name': 'refund' }, expect: (i) => i.toolNames, want: ['lookup', 'refund'] },
  { attr: 'gen_ai.input.messages', from: SEMCONV, attrs: { 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]) }, expect: (i) => i.content?.input, want: [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }] },
  { attr: 'gen_ai.output.messages', from: SEMCONV, attrs: { 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }] }]) }, expect: (i) => i.content?.output, want: [{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }] }] },
  { attr: 'gen_ai.completion.N.content', from: OLLM, attrs: { 'gen_ai.completion.0.role': 'assistant', 'gen_ai.completion.0.content': 'done' }, expect: (i) => i.content?.output, want: [{ role: 'assistant', content: 'done' }] },
  { attr: 'gen_ai.prompt', from: OLD, attrs: { 'gen_ai.prompt': "[{'role': 'user'}]" }, expect: (i) => i.content?.input, want: "[{'role': 'user'}]" },
  { attr: 'gen_ai.completion', from: OLD, attrs: { 'gen_ai.completion': 'the answer' }, expect: (i) => i.content?.output, want: 'the answer' },
  { attr: 'event gen_ai.content.prompt / gen_ai.content.completion', from: OLIT, attrs: {}, spanOver: { events: [{ name: 'gen_ai.content.prompt', timeMs: T0, attributes: { 'gen_ai.prompt': 'q?' } }, { name: 'gen_ai.content.completion', timeMs: T0, attributes: { 'gen_ai.completion': 'a!' } }] }, expect: (i) => [i.content?.input, i.content?.output], want: ['q?', 'a!'] },
];

describe('GenAI mapping: every accepted attribute (the README table, one row each)', () => {
  it.each(ROWS.map((r) => [`${r.attr} (${r.from})`, r] as const))('%s', (_name, row) => {
    const item = mapped(row.attrs, { ...(row.without ? { without: row.without } : {}), ...(row.spanOver ? { span: row.spanOver } : {}), ...(row.resource ? { resource: row.resource } : {}) });
    expect(row.expect(item)).toEqual(row.want);
  });
});

describe('GenAI mapping: what is not an interaction, and what is refused', () => {
  it('ignores spans with no gen_ai.* or llm.* attribute, and agent and tool spans', () => {
    expect(mapSpan(span({ 'http.route': '/x' }), {}, 's')).toEqual({ skip: true });
    // Any gen_ai.* or llm.* attribute makes a span GenAI's, not only the usual ones: without a model it is refused, saying why.
    for (const attrs of [{ 'gen_ai.usage.input_tokens': 3 }, { 'llm.request.type': 'chat' }] as Attrs[]) expect(mapSpan(span(attrs), {}, 's')).toEqual({ reason: expect.stringContaining('needs gen_ai.request.model') });
    expect(mapSpan(span({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'A' }), {}, 's')).toEqual({ skip: true });
    expect(mapSpan(span({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'x' }), {}, 's')).toEqual({ skip: true });
  });

  it('refuses a model call without a model, a bad token count, or ids of the wrong size, saying why', () => {
    expect(mapSpan(span({ 'gen_ai.provider.name': 'openai' }), {}, 's')).toEqual({ reason: expect.stringContaining('needs gen_ai.request.model') });
    expect(mapSpan(span({ ...BASE, 'gen_ai.usage.input_tokens': -3 }), {}, 's')).toEqual({ reason: expect.stringContaining('gen_ai.usage.input_tokens must be a non-negative integer') });
    expect(mapSpan(span(BASE, { spanId: 'abc' }), {}, 's')).toEqual({ reason: expect.stringContaining('span id 8 bytes') });
  });

  it('gives a model call without agent attributes the agent of its invoke_agent ancestor in the same request', () => {
    const agent = span({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': 'ag-7', 'gen_ai.agent.name': 'Planner' }, { spanId: '1111111111111111' });
    const mid = span({ 'http.route': '/tool' }, { spanId: '2222222222222222', parentSpanId: '1111111111111111' });
    const call = span(BASE, { spanId: '3333333333333333', parentSpanId: '2222222222222222' });
    const out = mapTraceRequest([{ resource: { 'service.name': 's' }, scopeName: 'x', items: [call, mid, agent] }]);
    expect(out.rejected).toEqual([]);
    expect(out.items).toHaveLength(1);
    expect(out.items[0]!.agent).toEqual({ id: 'ag-7', name: 'Planner', serviceName: 's' });
    expect(out.items[0]!.id).toBe(`${TRACE}:3333333333333333`);
  });

  it('never lets a cache count make the uncached input negative: a total below its cache parts is taken as uncached already', () => {
    expect(mapped({ 'gen_ai.provider.name': 'anthropic', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.cache_read.input_tokens': 500 }).tokens).toEqual({ input: 10, output: 0, cacheRead: 500, cacheWrite: 0 });
  });

  it('replaces NUL bytes and lone surrogates in names and instructions (no store can hold them) with U+FFFD', () => {
    const item = mapped({ 'gen_ai.agent.name': 'bad\u0000name', 'gen_ai.request.model': 'm\ud800', 'gen_ai.system_instructions': 'x\u0000y', 'llm.request.functions.0.name': 't\u0000' });
    expect([item.agent.name, item.requestModel, item.systemInstructions, item.toolNames]).toEqual(['bad\ufffdname', 'm\ufffd', 'x\ufffdy', ['t\ufffd']]);
  });

  it('cuts content and system instructions to 256 KiB', () => {
    const item = mapped({ 'gen_ai.system_instructions': 'x'.repeat(400_000), 'gen_ai.input.messages': 'y'.repeat(400_000) });
    expect(item.systemInstructions).toHaveLength(262_144);
    expect(item.content?.input).toHaveLength(262_144);
  });

  it('keeps parsed messages within 256 KiB as JSON, even those whose text grows when written again', () => {
    // A lone surrogate is one character in the text and six (an escape) written again: the worst growth.
    const messages = (chars: number) => `["${'\ud800'.repeat(chars - 4)}"]`;
    for (const length of [43_690, 43_691, 60_000]) {
      const input = mapped({ 'gen_ai.input.messages': messages(length), 'gen_ai.output.messages': messages(length) }).content!;
      for (const side of [input.input, input.output]) expect(typeof side === 'string' ? side.length : JSON.stringify(side).length).toBeLessThanOrEqual(262_144);
    }
  });

  it('writes its content whole as JSON (the prompt is parsed only when read)', () => {
    const item = mapped({ 'gen_ai.system_instructions': 'Be brief.', 'gen_ai.input.messages': JSON.stringify([{ role: 'user', content: 'hi' }]), 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', content: 'hello' }]) });
    expect(JSON.parse(JSON.stringify(item.content))).toEqual({ system: 'Be brief.', input: [{ role: 'user', content: 'hi' }], output: [{ role: 'assistant', content: 'hello' }] });
    expect(mapped({}).content).toBeUndefined();
  });
});

describe('GenAI mapping of log events', () => {
  const rec = (over: Partial<OtlpLogRecord>): OtlpLogRecord => ({ timeMs: T0, traceId: '', spanId: '', eventName: 'gen_ai.client.inference.operation.details', body: null, attributes: { ...BASE, 'gen_ai.response.id': 'chatcmpl-1', 'gen_ai.usage.input_tokens': 7 }, ...over });

  it('maps a details event without a span to an interaction keyed by its response id; skips one that belongs to a span and per-message events', () => {
    const out = mapLogsRequest([{ resource: { 'service.name': 'svc' }, scopeName: 's', items: [rec({}), rec({ traceId: TRACE, spanId: SPAN }), rec({ eventName: 'gen_ai.user.message' })] }]);
    expect(out.rejected).toEqual([]);
    expect(out.items).toHaveLength(1);
    expect(out.items[0]).toMatchObject({ id: 'log:chatcmpl-1', startedAtMs: T0, requestModel: 'base-model', tokens: { input: 7 }, agent: { serviceName: 'svc' } });
  });

  it('refuses a details event without a span or a response id, saying why', () => {
    const out = mapLogsRequest([{ resource: {}, scopeName: 's', items: [rec({ attributes: BASE })] }]);
    expect(out.rejected).toEqual([expect.stringContaining('needs gen_ai.response.id')]);
  });
});

describe('OTLP decoders agree', () => {
  it('reads the same spans from protobuf and from OTLP/JSON (hex ids, int64 as strings)', () => {
    const attrs = { 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': 12, 'gen_ai.request.temperature': 0.5, 'gen_ai.request.stream': true };
    const proto = decodeTraceRequest(encodeTraces([{ traceId: TRACE, spanId: SPAN, startMs: T0, durationMs: 800, attributes: attrs, status: 2 }], 'svc'));
    const json = decodeTraceJson(
      Buffer.from(
        JSON.stringify({
          resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ scope: { name: 'test-scope' }, spans: [{
            traceId: TRACE.toUpperCase(), spanId: SPAN, name: 'chat', startTimeUnixNano: String(BigInt(T0) * 1000000n), endTimeUnixNano: (BigInt(T0 + 800) * 1000000n).toString(), status: { code: 2 },
            attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'm' } }, { key: 'gen_ai.usage.input_tokens', value: { intValue: '12' } }, { key: 'gen_ai.request.temperature', value: { doubleValue: 0.5 } }, { key: 'gen_ai.request.stream', value: { boolValue: true } }],
          }] }] }],
        }),
      ),
    );
    expect(json).toEqual(proto);
    const ints = decodeTraceRequest(encodeTraces([{ attributes: { 'gen_ai.a': -1, 'gen_ai.b': -5000000000, 'gen_ai.c': 2 ** 40 + 3, 'gen_ai.d': 0, 'http.url': 'https://x' } }]))[0]!.items[0]!.attributes;
    // Only the attributes the mapping reads are kept; the values of the others are skipped unread.
    expect(ints).toEqual({ 'gen_ai.a': -1, 'gen_ai.b': -5000000000, 'gen_ai.c': 2 ** 40 + 3, 'gen_ai.d': 0 });
    // An attribute named __proto__ sets no prototype in either decoder.
    const sneaky = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, attributes: [{ key: '__proto__', value: { kvlistValue: { values: [{ key: 'gen_ai.request.model', value: { stringValue: 'x' } }] } } }] }] }] }] });
    const decoded = decodeTraceJson(Buffer.from(sneaky))[0]!.items[0]!.attributes;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(decoded['gen_ai.request.model']).toBeUndefined();
    expect(proto[0]!.items[0]).toMatchObject({ traceId: TRACE, spanId: SPAN, startMs: T0, endMs: T0 + 800, statusCode: 2, attributes: attrs });
  });

  it('decodes repeated keys and long values it recognises by their bytes exactly: values alike but for one byte stay apart, request after request', () => {
    const long = 'x'.repeat(2000);
    // Alike in length and in most bytes: the second differs at a byte a sampled hash would not look at.
    const a = `A${long}`;
    const b = `AY${long.slice(1)}`;
    const spans = (first: string, second: string) =>
      encodeTraces([
        { attributes: { 'gen_ai.request.model': 'm', 'gen_ai.system_instructions': first, 'gen_ai.x1': 1, 'http.x1': 'skipped' } },
        { attributes: { 'gen_ai.request.model': 'm', 'gen_ai.system_instructions': second, 'gen_ai.x2': 2, 'gen_ai.é': 'ü' } },
      ]);
    for (const [first, second] of [[a, b], [b, a], [a, a], [b, b]] as const) {
      const [one, two] = decodeTraceRequest(spans(first, second))[0]!.items;
      expect(one!.attributes).toEqual({ 'gen_ai.request.model': 'm', 'gen_ai.system_instructions': first, 'gen_ai.x1': 1 });
      expect(two!.attributes).toEqual({ 'gen_ai.request.model': 'm', 'gen_ai.system_instructions': second, 'gen_ai.x2': 2, 'gen_ai.é': 'ü' });
    }
  });

  it("reads each key for what it is when a span's keys are not in the last span's order: same length, other bytes, or one to skip", () => {
    // Keys are first found by their position in the last span: these swap places between spans, all 13 bytes long.
    const usual = { 'gen_ai.system': 'openai', 'gen_ai.prompt': 'hi', 'http.methodxx': 'GET', 'gen_ai.x': 1 };
    const swapped = { 'gen_ai.prompt': 'yo', 'http.methodxx': 'PUT', 'gen_ai.system': 'anthropic', 'gen_ai.y': 2 };
    for (let round = 0; round < 3; round++) {
      const [one, two, three] = decodeTraceRequest(encodeTraces([{ attributes: usual }, { attributes: swapped }, { attributes: usual }]))[0]!.items;
      expect(one!.attributes).toEqual({ 'gen_ai.system': 'openai', 'gen_ai.prompt': 'hi', 'gen_ai.x': 1 });
      expect(two!.attributes).toEqual({ 'gen_ai.prompt': 'yo', 'gen_ai.system': 'anthropic', 'gen_ai.y': 2 });
      expect(three!.attributes).toEqual(one!.attributes);
    }
  });
});
