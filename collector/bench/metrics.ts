/**
 * Metrics hot paths, three implementations over the same series, measured in one run:
 *   npm run bench:metrics [-- --series 100000 --events 200000]
 * 1. Recording a priced event (2 counters: tokens and cost; 3 histograms: input and output
 *    token usage and operation duration) across 5,000 label sets: AI-ARM's recording API over
 *    its /metrics sink, beside prom-client and the plain OpenTelemetry SDK called directly.
 * 2. Rendering /metrics with N series: the sink, prom-client's registry, and the OTel
 *    Prometheus exporter's collect + serialize. Medians of 5 renders.
 * Targets: a priced event < 2 us; 100,000 series < 250 ms.
 */
import { parseArgs } from 'node:util';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { Counter, Histogram, Registry } from 'prom-client';
import { Instruments, METRIC_DEFINITIONS } from '../src/metrics/instruments.generated';
import { PrometheusSink } from '../src/metrics/prometheus-sink';

const { values } = parseArgs({ options: { series: { type: 'string', default: '100000' }, events: { type: 'string', default: '200000' } } });
const SERIES = Number(values.series);
const EVENTS = Number(values.events);
const MODELS = ['gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'o4-mini-2025-04-16'];
const AGENTS = Array.from({ length: 1000 }, (_, i) => `agent-${i}`);
const ORG = '00000000-0000-4000-8000-000000000001';
const TOKENS = METRIC_DEFINITIONS.find((d) => d.name === 'gen_ai.client.token.usage')!.buckets!;
const SECONDS = METRIC_DEFINITIONS.find((d) => d.name === 'gen_ai.client.operation.duration')!.buckets!;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (fn: () => void) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const timeAsync = async (fn: () => Promise<unknown>) => {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const limits = new Map(METRIC_DEFINITIONS.map((d) => [d.name, 1_000_000]));
// The OTel SDK keeps 2,000 series per instrument unless told otherwise: lift it, as for the others.
const views = [{ instrumentName: '*', aggregationCardinalityLimit: 1_000_000 }];

function recordOurs(): number {
  const m = new Instruments(new PrometheusSink({ processMetrics: false, limits }));
  const run = (n: number) =>
    time(() => {
      for (let i = 0; i < n; i++) {
        const model = MODELS[i % 5]!;
        const agent = AGENTS[i % 1000]!;
        m.tokens.add(812, { organization_id: ORG, gen_ai_provider_name: 'openai', gen_ai_request_model: model, gen_ai_token_type: 'input', gen_ai_agent_id: agent });
        m.costUsd.add(0.0042, { organization_id: ORG, gen_ai_provider_name: 'openai', gen_ai_request_model: model, gen_ai_agent_id: agent });
        m.genAiClientTokenUsage.record(812, { organization_id: ORG, gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_token_type: 'input', gen_ai_request_model: model });
        m.genAiClientTokenUsage.record(233, { organization_id: ORG, gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_token_type: 'output', gen_ai_request_model: model });
        m.genAiClientOperationDuration.record(1.37, { organization_id: ORG, gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: model });
      }
    });
  run(20_000);
  return (run(EVENTS) * 1000) / EVENTS;
}

function recordPromClient(): number {
  const registry = new Registry();
  const tokens = new Counter({ name: 'ai_arm_tokens_total', help: 'x', labelNames: ['organization_id', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_token_type', 'gen_ai_agent_id'], registers: [registry] });
  const cost = new Counter({ name: 'ai_arm_cost_usd_total', help: 'x', labelNames: ['organization_id', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_agent_id'], registers: [registry] });
  const usage = new Histogram({ name: 'gen_ai_client_token_usage', help: 'x', labelNames: ['organization_id', 'gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_token_type', 'gen_ai_request_model'], buckets: [...TOKENS], registers: [registry] });
  const duration = new Histogram({ name: 'gen_ai_client_operation_duration_seconds', help: 'x', labelNames: ['organization_id', 'gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model'], buckets: [...SECONDS], registers: [registry] });
  const run = (n: number) =>
    time(() => {
      for (let i = 0; i < n; i++) {
        const model = MODELS[i % 5]!;
        const agent = AGENTS[i % 1000]!;
        tokens.inc({ organization_id: ORG, gen_ai_provider_name: 'openai', gen_ai_request_model: model, gen_ai_token_type: 'input', gen_ai_agent_id: agent }, 812);
        cost.inc({ organization_id: ORG, gen_ai_provider_name: 'openai', gen_ai_request_model: model, gen_ai_agent_id: agent }, 0.0042);
        usage.observe({ organization_id: ORG, gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_token_type: 'input', gen_ai_request_model: model }, 812);
        usage.observe({ organization_id: ORG, gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_token_type: 'output', gen_ai_request_model: model }, 233);
        duration.observe({ organization_id: ORG, gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: model }, 1.37);
      }
    });
  run(20_000);
  return (run(EVENTS) * 1000) / EVENTS;
}

function recordOtel(): number {
  const provider = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })], views });
  const meter = provider.getMeter('bench');
  const tokens = meter.createCounter('ai_arm.tokens');
  const cost = meter.createCounter('ai_arm.cost.usd');
  const usage = meter.createHistogram('gen_ai.client.token.usage', { advice: { explicitBucketBoundaries: [...TOKENS] } });
  const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's', advice: { explicitBucketBoundaries: [...SECONDS] } });
  const run = (n: number) =>
    time(() => {
      for (let i = 0; i < n; i++) {
        const model = MODELS[i % 5]!;
        const agent = AGENTS[i % 1000]!;
        tokens.add(812, { organization_id: ORG, 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': model, 'gen_ai.token.type': 'input', 'gen_ai.agent.id': agent });
        cost.add(0.0042, { organization_id: ORG, 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': model, 'gen_ai.agent.id': agent });
        usage.record(812, { organization_id: ORG, 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.token.type': 'input', 'gen_ai.request.model': model });
        usage.record(233, { organization_id: ORG, 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.token.type': 'output', 'gen_ai.request.model': model });
        duration.record(1.37, { organization_id: ORG, 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': model });
      }
    });
  run(20_000);
  return (run(EVENTS) * 1000) / EVENTS;
}

/** N series of ai_arm_tokens_total: N/4 agents x 4 token types. */
const TYPES = ['input', 'output', 'cache_read', 'cache_write'] as const;
const seriesLabels = (i: number) => ({ agent: `agent-${Math.floor(i / 4)}`, type: TYPES[i % 4]! });

async function renderOurs(): Promise<number> {
  const sink = new PrometheusSink({ processMetrics: false, limits });
  const m = new Instruments(sink);
  for (let i = 0; i < SERIES; i++) {
    const l = seriesLabels(i);
    m.tokens.add(i, { organization_id: ORG, gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o', gen_ai_token_type: l.type, gen_ai_agent_id: l.agent });
  }
  const times = [];
  for (let r = 0; r < 5; r++) times.push(await timeAsync(() => sink.render()));
  return median(times);
}

async function renderPromClient(): Promise<number> {
  const registry = new Registry();
  const tokens = new Counter({ name: 'ai_arm_tokens_total', help: 'x', labelNames: ['organization_id', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_token_type', 'gen_ai_agent_id'], registers: [registry] });
  for (let i = 0; i < SERIES; i++) {
    const l = seriesLabels(i);
    tokens.inc({ organization_id: ORG, gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o', gen_ai_token_type: l.type, gen_ai_agent_id: l.agent }, i);
  }
  const times = [];
  for (let r = 0; r < 5; r++) times.push(await timeAsync(() => registry.metrics()));
  return median(times);
}

async function renderOtel(): Promise<number> {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter], views });
  const tokens = provider.getMeter('bench').createCounter('ai_arm.tokens');
  for (let i = 0; i < SERIES; i++) {
    const l = seriesLabels(i);
    tokens.add(i, { organization_id: ORG, 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.token.type': l.type, 'gen_ai.agent.id': l.agent });
  }
  const serializer = new PrometheusSerializer();
  const { resourceMetrics } = await exporter.collect();
  const lines = serializer.serialize(resourceMetrics).split('\n').filter((l) => l.startsWith('ai_arm_tokens')).length;
  if (lines !== SERIES) throw new Error(`the OTel exporter rendered ${lines} series, not ${SERIES}`);
  const times = [];
  for (let r = 0; r < 5; r++) {
    times.push(
      await timeAsync(async () => {
        const { resourceMetrics } = await exporter.collect();
        serializer.serialize(resourceMetrics);
      }),
    );
  }
  return median(times);
}

async function main() {
  console.log(`recording a priced event (2 counters, 3 histograms; ${EVENTS.toLocaleString('en-US')} events over 5,000 label sets)`);
  const ours = recordOurs();
  const prom = recordPromClient();
  const otel = recordOtel();
  console.log(`  AI-ARM recording API:    ${ours.toFixed(2)} us/event   (target < 2 us)`);
  console.log(`  prom-client directly:    ${prom.toFixed(2)} us/event   (AI-ARM / prom-client ${(ours / prom).toFixed(2)})`);
  console.log(`  OTel SDK directly:       ${otel.toFixed(2)} us/event   (AI-ARM / OTel ${(ours / otel).toFixed(2)})`);
  console.log(`rendering /metrics with ${SERIES.toLocaleString('en-US')} series (median of 5)`);
  const r1 = await renderOurs();
  const r2 = await renderPromClient();
  const r3 = await renderOtel();
  console.log(`  AI-ARM PrometheusSink:   ${r1.toFixed(0)} ms   (target < 250 ms)`);
  console.log(`  prom-client registry:    ${r2.toFixed(0)} ms   (AI-ARM / prom-client ${(r1 / r2).toFixed(2)})`);
  console.log(`  OTel Prometheus export:  ${r3.toFixed(0)} ms   (AI-ARM / OTel ${(r1 / r3).toFixed(2)})`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
