import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { Metadata } from '@grpc/grpc-js';
import { loadPriceTable, type AgentVersion, type Interaction } from '@ai-arm/schemas';
import { credentialAuthenticator } from '../../src/auth/authenticate';
import { RateLimiter } from '../../src/auth/rate-limit';
import { CostService } from '../../src/costs/service';
import { openPipeline } from '../../src/interactions/open';
import type { InteractionPipeline } from '../../src/interactions/pipeline';
import { startGrpcReceiver, type GrpcReceiver } from '../../src/otlp/grpc-server';
import { authedApp } from '../api/support';
import { CONTROL_PLANE, quietLogger } from '../support/stores';

/**
 * The acceptance path: an application's tracer (the official SDK and OTLP exporters, as an app
 * sets them up) sends GenAI spans to a listening collector over OTLP/HTTP protobuf, OTLP/HTTP
 * JSON and OTLP/gRPC; the requests, their tokens and cost, the agent and its version show in
 * the API and in /metrics.
 */
describe(`OTLP receivers with the official OpenTelemetry JS exporters (listening app, real ${CONTROL_PLANE} and chdb)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let pipeline: InteractionPipeline;
  let grpc: GrpcReceiver;
  let base: string;
  let ingestKey: string;

  beforeAll(async () => {
    t = await authedApp({}, async (stores, config, metrics) => {
      const costs = new CostService(stores, loadPriceTable());
      pipeline = await openPipeline({ config, stores, metrics, log: quietLogger(), priceBook: (org) => costs.priceBook(org) });
      return { ingest: pipeline, metrics };
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    grpc = await startGrpcReceiver({ host: '127.0.0.1', port: 0, sink: pipeline, maxMessageBytes: 4 * 1024 * 1024, authenticate: credentialAuthenticator(t.stores.controlPlane), limiter: new RateLimiter(60_000), log: quietLogger() });
    ingestKey = (await t.call(t.admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'app', role: 'ingest' } })).body.data.key as string;
  });
  afterAll(async () => {
    // The pipeline writes its last version sightings on close: after the receivers stop, before the stores do.
    await grpc?.close();
    await t?.app.close();
    await pipeline?.close();
    await t?.stores.close();
  });

  /** One chat call of `agent` as an instrumented app records it, exported with `exporter`. */
  async function sendChat(exporter: SpanExporter, agent: string, batch: boolean): Promise<{ startMs: number; durationMs: number }> {
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': `svc-${agent}` }),
      spanProcessors: [batch ? new BatchSpanProcessor({ exporter, scheduledDelayMillis: 50 }) : new SimpleSpanProcessor({ exporter })],
    });
    const tracer = provider.getTracer('app-genai');
    const startMs = Date.now() - 2000;
    const span = tracer.startSpan('chat gpt-4o-mini', {
      kind: SpanKind.CLIENT,
      startTime: startMs,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.agent.id': agent,
        'gen_ai.agent.name': `Agent ${agent}`,
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.cache_read.input_tokens': 200,
        'gen_ai.usage.output_tokens': 300,
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: `You are ${agent}.` }]),
        'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', name: 'search' }, { type: 'function', name: 'lookup' }]),
        'gen_ai.conversation.id': `conv-${agent}`,
      },
    });
    span.setStatus({ code: SpanStatusCode.OK });
    span.end(startMs + 750);
    await provider.forceFlush();
    await provider.shutdown();
    return { startMs, durationMs: 750 };
  }

  /**
   * An agent's interactions once any are there: accepted means durable in the spool, and its
   * drainer stores them in ClickHouse a moment later (README, "Durability of pushed telemetry").
   */
  async function storedOf(agentId: string): Promise<Interaction[]> {
    const url = `/api/v1/agents/${agentId}/interactions?from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;
    for (let tries = 0; ; tries++) {
      const read = await t.call(t.admin, { url });
      expect(read.status).toBe(200);
      const rows = read.body.data as Interaction[];
      if (rows.length > 0 || tries >= 200) return rows;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function expectStored(agent: string) {
    const agents = (await t.call(t.admin, { url: '/api/v1/agents?type=CUSTOM' })).body.data as { id: string; name: string; metadata: Record<string, unknown> }[];
    const found = agents.find((a) => a.name === `Agent ${agent}`);
    expect(found).toBeDefined();
    const rows = await storedOf(found!.id);
    expect(rows).toHaveLength(1);
    // OpenAI's input count includes the cached part: 1,200 in, 200 of them read from the cache.
    expect(rows[0]).toMatchObject({ source: 'otlp', vendor: 'openai', model: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18', status: 'ok', version: 1, conversationId: `conv-${agent}`, tokens: { input: 1000, output: 300, cacheRead: 200, cacheWrite: 0 } });
    expect(rows[0]!.latencyMs).toBeCloseTo(750, 0);
    expect(rows[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(Number(rows[0]!.costUsd)).toBeGreaterThan(0);
    const versions = (await t.call(t.admin, { url: `/api/v1/agents/${found!.id}/versions` })).body.data as AgentVersion[];
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: 1, model: 'gpt-4o-mini', toolNames: ['lookup', 'search'] });
    expect(versions[0]!.systemHash).toMatch(/^[0-9a-f]{64}$/);
    const metrics = (await t.call(null, { url: '/metrics' })).raw;
    expect(metrics).toMatch(new RegExp(`ai_arm_requests_total\\{[^}]*gen_ai_agent_id="${found!.id}"[^}]*source="push",status="ok"\\} 1`));
    return found!.id;
  }

  const headers = () => ({ Authorization: `Bearer ${ingestKey}` });

  it('takes a span over OTLP/HTTP protobuf (BatchSpanProcessor) and shows it as an interaction with tokens, cost, agent, version and metrics', async () => {
    await sendChat(new HttpProtoExporter({ url: `${base}/v1/traces`, headers: headers() }), 'proto-bot', true);
    await expectStored('proto-bot');
  });

  it('takes a span over OTLP/HTTP JSON (SimpleSpanProcessor) the same way', async () => {
    await sendChat(new HttpJsonExporter({ url: `${base}/v1/traces`, headers: headers() }), 'json-bot', false);
    await expectStored('json-bot');
  });

  it('takes a span over OTLP/gRPC with the key in the authorization metadata', async () => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${ingestKey}`);
    await sendChat(new GrpcExporter({ url: `http://127.0.0.1:${grpc.port}`, metadata }), 'grpc-bot', true);
    await expectStored('grpc-bot');
  });

  it('stores a span sent twice (an exporter retry) once', async () => {
    // The same span id twice: the interaction's id is <traceId>:<spanId>, so the re-delivery replaces, never adds.
    const exporter = new HttpProtoExporter({ url: `${base}/v1/traces`, headers: headers() });
    const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'svc-retry' }), spanProcessors: [] });
    const span = provider.getTracer('x').startSpan('chat', { attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.agent.name': 'Agent retry-bot', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5 } });
    span.end();
    const send = () => new Promise<number>((resolve) => exporter.export([span as never], (r) => resolve(r.code)));
    expect(await send()).toBe(0);
    expect(await send()).toBe(0);
    await exporter.shutdown();
    const agents = (await t.call(t.admin, { url: '/api/v1/agents?type=CUSTOM' })).body.data as { id: string; name: string }[];
    const id = agents.find((a) => a.name === 'Agent retry-bot')!.id;
    expect(await storedOf(id)).toHaveLength(1);
  });

  it('takes a gen_ai.client.inference.operation.details log event over OTLP/HTTP protobuf (the official logs exporter) as an interaction', async () => {
    const exporter = new OTLPLogExporter({ url: `${base}/v1/logs`, headers: headers() });
    const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'svc-logs' }), processors: [new SimpleLogRecordProcessor({ exporter })] });
    provider.getLogger('app-genai').emit({
      eventName: 'gen_ai.client.inference.operation.details',
      timestamp: Date.now() - 1000,
      attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.id': 'chatcmpl-logs-1', 'gen_ai.agent.name': 'Agent logs-bot', 'gen_ai.usage.input_tokens': 40, 'gen_ai.usage.output_tokens': 8 },
    });
    await provider.forceFlush();
    await provider.shutdown();
    const agents = (await t.call(t.admin, { url: '/api/v1/agents?type=CUSTOM' })).body.data as { id: string; name: string }[];
    const id = agents.find((a) => a.name === 'Agent logs-bot')?.id;
    expect(id).toBeDefined();
    expect(await storedOf(id!)).toEqual([expect.objectContaining({ id: 'log:chatcmpl-logs-1', tokens: { input: 40, output: 8, cacheRead: 0, cacheWrite: 0 } })]);
  });
});
