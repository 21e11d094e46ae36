import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { AgentTraffic, CLIENT_TIMEOUT_MS, demoAgents, ERROR_TYPES, IN_HOUSE_AGENT, revisionAt, revisionOf, seededRng, type AgentRequest } from '../../src/simulator/agent-traffic';
import { startAgentPush } from '../../src/simulator/agent-push';
import { createState } from '../../src/simulator/state';

const NOW = Date.UTC(2026, 10, 20, 12);

function requests(n: number, seed = 'traffic') {
  const state = createState({ agents: 20, now: NOW / 1000 });
  const agents = demoAgents(state.world);
  const traffic = new AgentTraffic(agents, seededRng(seed));
  const out: AgentRequest[] = [];
  for (let i = 0; i < n; i++) out.push(traffic.next(NOW + i * 300)!);
  return { state, agents, out };
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

describe('simulated agent traffic (what the demo agents push)', () => {
  it('every vendor agent sends under its vendor id, plus one in-house agent known only by service and name', () => {
    const { state, agents } = requests(0);
    expect(agents.filter((a) => a.id).map((a) => a.id)).toEqual(state.world.agents.map((a) => a.id));
    const inHouse = agents.filter((a) => !a.id);
    expect(inHouse).toEqual([expect.objectContaining({ name: IN_HOUSE_AGENT.name, serviceName: IN_HOUSE_AGENT.serviceName })]);
    // Each vendor agent asks for its model's family and is answered by the dated snapshot the vendor bills.
    for (const a of state.world.agents) expect(agents.find((d) => d.id === a.id)).toMatchObject({ provider: a.vendor, requestModel: a.model.family, responseModel: a.model.id });
  });

  it('fails a few percent of requests, as rate limits, timeouts and server errors, with no tokens and no answer', () => {
    const { out } = requests(10_000);
    const errors = out.filter((r) => r.status === 'error');
    expect(errors.length / out.length).toBeGreaterThan(0.01);
    expect(errors.length / out.length).toBeLessThan(0.06);
    expect(new Set(errors.map((r) => r.errorType))).toEqual(new Set(ERROR_TYPES));
    expect(errors.filter((r) => r.responseModel !== undefined || r.tokens.input + r.tokens.output + r.tokens.cacheRead + r.tokens.cacheWrite > 0)).toEqual([]);
    expect(errors.filter((r) => r.errorType === 'timeout').every((r) => r.durationMs === CLIENT_TIMEOUT_MS)).toBe(true);
    // Rate limits are refused at once.
    expect(quantile(errors.filter((r) => r.errorType === 'rate_limited').map((r) => r.durationMs), 0.5)).toBeLessThan(500);
  });

  it('answers within the client timeout, first tokens before the end, cached input inside the input, ending when asked', () => {
    const { out } = requests(5_000);
    const wrong = out
      .filter((r) => r.status === 'ok')
      .filter((r) => !(r.durationMs > 0 && r.durationMs < CLIENT_TIMEOUT_MS && (r.ttftMs ?? 0) <= r.durationMs && r.stream === (r.ttftMs !== undefined) && r.tokens.cacheRead + r.tokens.cacheWrite <= r.tokens.input && r.tokens.output > 0));
    expect(wrong).toEqual([]);
    expect(out.filter((r, i) => Math.abs(r.startMs + r.durationMs - (NOW + i * 300)) > 1e-6)).toEqual([]);
  });

  it('gives each model its own latency: Haiku 4.5 answers faster than Opus 4.1, with a long tail', () => {
    const state = createState({ agents: 20 });
    const agents = demoAgents(state.world);
    const like = (family: string) => ({ ...agents[0]!, requestModel: family, latency: { haiku: { ttftMs: 420, tokensPerSecond: 140 }, opus: { ttftMs: 1700, tokensPerSecond: 35 } }[family]!, errorRates: { rate_limited: 0, timeout: 0, server_error: 0 }, streamShare: 1 });
    const haiku = like('haiku');
    const opus = like('opus');
    const traffic = new AgentTraffic([haiku, opus], seededRng('latency'));
    const of = (a: typeof haiku) => Array.from({ length: 2_000 }, () => traffic.request(a, NOW));
    const [h, o] = [of(haiku), of(opus)];
    expect(quantile(h.map((r) => r.ttftMs!), 0.5)).toBeLessThan(quantile(o.map((r) => r.ttftMs!), 0.5) / 2);
    expect(quantile(h.map((r) => r.durationMs), 0.5)).toBeLessThan(quantile(o.map((r) => r.durationMs), 0.5));
    const ttft = h.map((r) => r.ttftMs!);
    expect(quantile(ttft, 0.99)).toBeGreaterThan(2 * quantile(ttft, 0.5));
  });

  it('changes an agent’s instructions or tools at each revision, never back to the previous one, and keeps a conversation for several turns', () => {
    const { agents, out } = requests(3_000);
    const agent = agents[0]!;
    const configs = Array.from({ length: 12 }, (_, v) => JSON.stringify(revisionOf(agent, v)));
    for (let v = 1; v < configs.length; v++) expect(configs[v]).not.toBe(configs[v - 1]);
    expect(new Set(configs).size).toBe(configs.length);
    expect(revisionAt(agent, NOW + agent.revisionPeriodMs)).toBe(revisionAt(agent, NOW) + 1);
    // The iterating agent (a new version every ten minutes) exists for each vendor.
    expect(agents.filter((a) => a.revisionPeriodMs === 600_000).map((a) => a.provider).sort()).toEqual(['anthropic', 'openai']);
    const turns = new Map<string, number>();
    for (const r of out) turns.set(r.conversationId, (turns.get(r.conversationId) ?? 0) + 1);
    expect(Math.max(...turns.values())).toBeGreaterThan(1);
    expect(turns.size).toBeGreaterThan(out.length / 8);
  });

  it('sends nothing for an agent the vendor deleted', () => {
    const state = createState({ agents: 20, now: NOW / 1000 });
    const agents = demoAgents(state.world);
    const gone = agents[0]!;
    const traffic = new AgentTraffic(agents, seededRng('deleted'), (a) => a !== gone);
    expect(Array.from({ length: 2_000 }, () => traffic.next(NOW)!.agent).filter((a) => a === gone)).toEqual([]);
  });
});

describe('simulated agents push GenAI spans with the OpenTelemetry SDK (in-memory exporter standing in for the collector)', () => {
  it('ends one CLIENT span per request with the current GenAI attributes, one tracer provider per service, and flushes at stop', async () => {
    const state = createState({ agents: 20, now: NOW / 1000 });
    const exporters = new Map<string, InMemorySpanExporter>();
    const push = startAgentPush({
      tracesUrl: 'http://127.0.0.1:1/v1/traces',
      apiKey: 'unused',
      state,
      rng: seededRng('push'),
      requestsPerSecond: 400,
      exportDelayMs: 60_000,
      exporter: (service) => {
        const e = new InMemorySpanExporter();
        exporters.set(service, e);
        return e;
      },
    });
    for (let i = 0; i < 5; i++) push.tick();
    const spans: ReadableSpan[] = [];
    const keep = [...exporters.values()];
    // Nothing exported yet (the batch waits a minute); stop flushes it.
    expect(keep.flatMap((e) => e.getFinishedSpans())).toEqual([]);
    const before = new Map(keep.map((e) => [e, e.getFinishedSpans()]));
    // Shutdown resets the in-memory exporter, so collect the spans as they are exported.
    for (const e of keep) {
      const original = e.export.bind(e);
      e.export = (batch, done) => {
        spans.push(...batch);
        original(batch, done);
      };
    }
    await push.stop();
    expect(before.size).toBeGreaterThan(1);
    expect(push.stats.spans).toBeGreaterThan(100);
    expect(spans).toHaveLength(push.stats.spans);
    expect(push.stats.exported).toBe(push.stats.spans);
    expect(new Set(spans.map((s) => s.resource.attributes['service.name']))).toEqual(new Set(exporters.keys()));
    expect(exporters.has(IN_HOUSE_AGENT.serviceName)).toBe(true);

    const ok = spans.find((s) => s.attributes['error.type'] === undefined && s.attributes['gen_ai.agent.id'])!;
    expect(ok.kind).toBe(SpanKind.CLIENT);
    expect(ok.name).toBe(`chat ${ok.attributes['gen_ai.request.model']}`);
    expect(ok.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': expect.stringMatching(/^(openai|anthropic)$/),
      'gen_ai.response.model': expect.stringMatching(/\d/),
      'gen_ai.usage.input_tokens': expect.any(Number),
      'gen_ai.usage.output_tokens': expect.any(Number),
      'gen_ai.conversation.id': expect.stringMatching(/^conv_/),
      'gen_ai.agent.name': expect.any(String),
    });
    expect(JSON.parse(ok.attributes['gen_ai.system_instructions'] as string)[0]).toMatchObject({ type: 'text', content: expect.any(String) });
    expect(JSON.parse(ok.attributes['gen_ai.tool.definitions'] as string).length).toBeGreaterThan(0);
    const failed = spans.filter((s) => s.attributes['error.type'] !== undefined);
    expect(failed.length).toBeGreaterThan(0);
    for (const s of failed) expect(s.status.code).toBe(SpanStatusCode.ERROR);
    const inHouse = spans.filter((s) => s.resource.attributes['service.name'] === IN_HOUSE_AGENT.serviceName);
    expect(inHouse.length).toBeGreaterThan(0);
    for (const s of inHouse) {
      expect(s.attributes['gen_ai.agent.name']).toBe(IN_HOUSE_AGENT.name);
      expect(s.attributes).not.toHaveProperty(['gen_ai.agent.id']);
    }
    const streamed = spans.filter((s) => s.attributes['gen_ai.response.time_to_first_chunk'] !== undefined);
    expect(streamed.length).toBeGreaterThan(0);
    for (const s of streamed) expect(s.attributes['gen_ai.request.stream']).toBe(true);
  });
});
