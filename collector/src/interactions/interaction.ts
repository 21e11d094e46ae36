/**
 * One GenAI request as the push path carries it, whoever sent it: the OTLP receivers map spans
 * and log events to it (otlp/), the ingest API maps its body to it, and the pipeline
 * (interactions/pipeline.ts) attributes, fingerprints, masks, prices, counts and stores it.
 */
export type InteractionSource = 'otlp' | 'api';

export interface InteractionTokenCounts {
  /** Uncached input only: input + cacheRead + cacheWrite is all the input the vendor reported. */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface InteractionInput {
  /** Idempotency key within the organisation: the client's id, or `<traceId>:<spanId>` for a span. */
  id: string;
  source: InteractionSource;
  /** Who made the request, as pushed: gen_ai.agent.id, gen_ai.agent.name, the resource's service.name. */
  agent: { id?: string; name?: string; serviceName?: string };
  /** gen_ai.provider.name as normalised by the mapping (openai, anthropic, gcp.vertex_ai, azure.ai.openai, ...). */
  provider: string;
  /** gen_ai.operation.name (chat when absent). */
  operation: string;
  requestModel: string;
  responseModel?: string;
  /** Epoch milliseconds, UTC; fractions keep the microseconds a span carries. */
  startedAtMs: number;
  durationMs: number;
  timeToFirstTokenMs?: number;
  tokens: InteractionTokenCounts;
  status: 'ok' | 'error';
  /** error.type, when status is error. */
  errorType?: string;
  conversationId?: string;
  /** The end user it was for (user.id, enduser.id, the ingest API's userId); stored only with content capture on: it names a person. */
  userId?: string;
  traceId?: string;
  spanId?: string;
  /** Part of the version fingerprint; kept as text only with content capture on. */
  systemInstructions?: string;
  /** Part of the version fingerprint. */
  toolNames?: string[];
  /** Message content; dropped unless the organisation captures content, masked when it does. */
  content?: { system?: string; input?: unknown; output?: unknown };
  /** Other attributes worth keeping (string values), e.g. the instrumentation that sent it. */
  attributes?: Record<string, string>;
}

export interface IngestOutcome {
  accepted: number;
  /** Items refused, by their position in the batch given, with why; the rest were accepted. */
  rejected: { index: number; id: string; reason: string }[];
}

/**
 * What the receivers hand interactions to. Resolves once every accepted item is durable (in
 * ClickHouse, or in the spool until ClickHouse takes it); rejects with an ApiError UNAVAILABLE
 * (with details.retryAfterSeconds) when it cannot take any: the spool is full. It takes the
 * items over: what it no longer needs of them (the messages of an organisation that keeps no
 * content, once their row is written) it may drop.
 */
export interface InteractionSink {
  accept(organizationId: string, items: readonly InteractionInput[]): Promise<IngestOutcome>;
}
