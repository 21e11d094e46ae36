import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { AgentTraffic, demoAgents, type AgentRequest, type DemoAgent, type Rng } from './agent-traffic';
import { isDeleted, type SimState } from './state';

/**
 * The simulated agents as instrumented applications: each service (an OpenAI project, an
 * Anthropic workspace, the in-house pipeline) has a tracer provider of the official
 * OpenTelemetry SDK that batches its GenAI spans and exports them over OTLP/HTTP protobuf,
 * with the API key as an application would send it. The demo points it at the collector.
 */
export interface AgentPushOptions {
  /** The OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:8080/v1/traces. */
  tracesUrl: string;
  /** Sent as `Authorization: Bearer <key>`; never logged. */
  apiKey: string;
  state: SimState;
  /** Requests per second over all agents (default 3). */
  requestsPerSecond?: number;
  rng?: Rng;
  /** How long a span waits in its batch before export (default 1 s, so dashboards fill quickly). */
  exportDelayMs?: number;
  /** Tests: export elsewhere (the SDK's in-memory exporter) instead of over OTLP. */
  exporter?: (serviceName: string) => SpanExporter;
}

export interface AgentPushStats {
  /** Spans ended (requests made). */
  spans: number;
  /** Spans the endpoint accepted, and those whose export failed (after the exporter's own retries). */
  exported: number;
  failed: number;
}

export interface AgentPush {
  readonly agents: readonly DemoAgent[];
  readonly stats: AgentPushStats;
  /** Sends the requests that finished by now; the timer calls it, tests may too. */
  tick(): void;
  /** Stops the timer and flushes what is batched (graceful: waits for the exports, at most `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
  /**
   * The requests that finished between fromMs and toMs, `requestsPerHour` an hour, drawn from the
   * same traffic (not sent): a past the demo imports (cli/demo-history.ts). With `only`, that agent's requests alone.
   */
  past(fromMs: number, toMs: number, requestsPerHour: number, only?: DemoAgent): Generator<AgentRequest>;
}

const TICK_MS = 250;
const SCOPE = 'ai-arm-demo-agents';
const SERVER: Record<string, string> = { openai: 'api.openai.com', anthropic: 'api.anthropic.com' };

/** Counts what the wrapped exporter delivered, for the stats. */
class CountingExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly stats: AgentPushStats,
  ) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.stats.exported += spans.length;
      else this.stats.failed += spans.length;
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** The span attributes of one request, in the current GenAI semantic conventions. */
export function spanAttributes(req: AgentRequest): Attributes {
  const { agent } = req;
  const a: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': agent.provider,
    'gen_ai.request.model': agent.requestModel,
    'gen_ai.request.max_tokens': req.maxTokens,
    'gen_ai.request.temperature': req.temperature,
    'gen_ai.request.stream': req.stream,
    'gen_ai.agent.name': agent.name,
    'gen_ai.conversation.id': req.conversationId,
    // Structured values recorded as JSON strings, as the conventions allow on spans.
    'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: req.systemInstructions }]),
    'gen_ai.tool.definitions': JSON.stringify(req.toolNames.map((name) => ({ type: 'function', name }))),
    'gen_ai.input.messages': JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: req.userMessage }] },
      ...(req.retrieved ? [{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_lookup', response: req.retrieved }] }] : []),
    ]),
    'server.address': SERVER[agent.provider] ?? agent.provider,
    'server.port': 443,
  };
  if (agent.id) a['gen_ai.agent.id'] = agent.id;
  if (req.status === 'error') {
    a['error.type'] = req.errorType!;
    return a;
  }
  a['gen_ai.response.model'] = req.responseModel!;
  a['gen_ai.response.id'] = req.responseId!;
  a['gen_ai.response.finish_reasons'] = [req.finishReason!];
  if (req.answer) a['gen_ai.output.messages'] = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: req.answer }], finish_reason: req.finishReason }]);
  a['gen_ai.usage.input_tokens'] = req.tokens.input;
  a['gen_ai.usage.output_tokens'] = req.tokens.output;
  if (req.tokens.cacheRead > 0) a['gen_ai.usage.cache_read.input_tokens'] = req.tokens.cacheRead;
  if (req.tokens.cacheWrite > 0) a['gen_ai.usage.cache_creation.input_tokens'] = req.tokens.cacheWrite;
  if (req.ttftMs !== undefined) a['gen_ai.response.time_to_first_chunk'] = req.ttftMs / 1000;
  return a;
}

const ERROR_MESSAGES: Record<string, string> = {
  rate_limited: '429 Too Many Requests: rate limit reached for requests',
  timeout: 'Request timed out',
  server_error: '500 Internal Server Error',
};

/** A Poisson draw (Knuth): how many requests finished in one tick at the mean rate. */
function poisson(rng: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng(); p > limit; p *= rng()) k++;
  return k;
}

export function startAgentPush(opts: AgentPushOptions): AgentPush {
  const rng = opts.rng ?? Math.random;
  const state = opts.state;
  const agents = demoAgents(state.world);
  const traffic = new AgentTraffic(agents, rng, (a) => !a.id || !isDeleted(state, a.id));
  const stats: AgentPushStats = { spans: 0, exported: 0, failed: 0 };
  const providers = new Map<string, TracerProvider>();
  const tracerOf = (serviceName: string) => {
    let provider = providers.get(serviceName);
    if (!provider) {
      const exporter = opts.exporter?.(serviceName) ?? new OTLPTraceExporter({ url: opts.tracesUrl, headers: { Authorization: `Bearer ${opts.apiKey}` }, timeoutMillis: 10_000 });
      provider = new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': serviceName, 'deployment.environment.name': 'demo' }),
        spanProcessors: [new BatchSpanProcessor({ exporter: new CountingExporter(exporter, stats), scheduledDelayMillis: opts.exportDelayMs ?? 1_000, maxExportBatchSize: 512 })],
      });
      providers.set(serviceName, provider);
    }
    return provider.getTracer(SCOPE);
  };
  const emit = (req: AgentRequest) => {
    const span = tracerOf(req.agent.serviceName).startSpan(`chat ${req.agent.requestModel}`, { kind: SpanKind.CLIENT, startTime: new Date(req.startMs), attributes: spanAttributes(req) }, ROOT_CONTEXT);
    if (req.status === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: ERROR_MESSAGES[req.errorType!] ?? req.errorType });
    span.end(new Date(req.startMs + req.durationMs));
    stats.spans++;
  };
  const perTick = ((opts.requestsPerSecond ?? 3) * TICK_MS) / 1000;
  const tick = () => {
    const now = Date.now();
    for (let n = poisson(rng, perTick); n > 0; n--) {
      const req = traffic.next(now);
      if (req) emit(req);
    }
  };
  const timer = setInterval(tick, TICK_MS);
  timer.unref();
  let stopping: Promise<void> | undefined;
  return {
    agents,
    stats,
    tick,
    *past(fromMs, toMs, requestsPerHour, only) {
      const step = 3_600_000 / requestsPerHour;
      for (let t = fromMs; t < toMs && !stopping; t += step) {
        const req = traffic.next(Math.min(toMs, t + rng() * step), only);
        if (req) yield req;
      }
    },
    stop(timeoutMs = 5_000) {
      stopping ??= (async () => {
        clearInterval(timer);
        let late: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (late = setTimeout(resolve, timeoutMs)));
        await Promise.race([Promise.allSettled([...providers.values()].map((p) => p.shutdown())), timeout]);
        clearTimeout(late);
      })();
      return stopping;
    },
  };
}
