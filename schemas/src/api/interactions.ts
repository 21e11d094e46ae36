/**
 * The push path's wire shapes: what the ingest API accepts, and how the collector shows the
 * interactions, conversations and agent versions it stored. OTLP bodies are the OTLP spec's own.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Decimal, Id, Nullable, Timestamp } from '../common';

const Count = Type.Integer({ minimum: 0, maximum: 1e12 });
const Ms = Type.Number({ minimum: 0, maximum: 86_400_000 });
const Text = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, description });

export const InteractionStatus = Type.Union([Type.Literal('ok'), Type.Literal('error')], { title: 'InteractionStatus', description: 'Whether the request succeeded' });
export type InteractionStatus = Static<typeof InteractionStatus>;

/** Tokens by type, each counted once: `input` is uncached input only (the catalogue's gen_ai_token_type). */
export const InteractionTokens = Type.Object(
  {
    input: Count,
    output: Count,
    cacheRead: Type.Optional(Count),
    cacheWrite: Type.Optional(Count),
  },
  { title: 'InteractionTokens', additionalProperties: false },
);
export type InteractionTokens = Static<typeof InteractionTokens>;

/** Message content, stored only when the organisation turned content capture on, and masked first. */
export const InteractionContent = Type.Object(
  {
    system: Type.Optional(Type.String({ maxLength: 262_144, description: 'System instructions' })),
    input: Type.Optional(Type.Unknown({ description: 'Input messages (the OTel GenAI gen_ai.input.messages shape, or text)' })),
    output: Type.Optional(Type.Unknown({ description: 'Output messages (gen_ai.output.messages shape, or text)' })),
  },
  { title: 'InteractionContent', additionalProperties: false },
);
export type InteractionContent = Static<typeof InteractionContent>;

/** One request as an agent without OpenTelemetry reports it to POST /api/v1/ingest/interactions. */
export const IngestInteraction = Type.Object(
  {
    id: Text(128, 'Your id for this request: sending it again (a retry) stores it once'),
    agent: Text(255, "The agent's id in your system (becomes a CUSTOM agent the first time it is seen)"),
    agentName: Type.Optional(Text(255, 'Display name of the agent (default: its id)')),
    vendor: Text(64, 'Who served the request: openai, anthropic, gcp.vertex_ai, azure.ai.openai, or your own'),
    model: Text(255, 'Model requested'),
    responseModel: Type.Optional(Text(255, 'Model that answered, if it differs')),
    operation: Type.Optional(Text(64, 'chat (default), text_completion, embeddings, invoke_agent, execute_tool')),
    startedAt: Timestamp,
    latencyMs: Ms,
    timeToFirstTokenMs: Type.Optional(Ms),
    tokens: InteractionTokens,
    status: InteractionStatus,
    errorType: Type.Optional(Text(128, 'Class of failure when status is error (timeout, rate_limited, ...)')),
    conversationId: Type.Optional(Text(255, 'Groups the requests of one conversation')),
    userId: Type.Optional(Text(255, "The end user the request was for (your id for them); stored only with content capture, and what the context vault files that user's preferences and facts under")),
    systemInstructions: Type.Optional(Type.String({ maxLength: 262_144, description: "Part of the agent's version fingerprint; stored only with content capture" })),
    toolNames: Type.Optional(Type.Array(Text(255, 'Tool name'), { maxItems: 256, description: "Tools offered to the model; part of the agent's version fingerprint" })),
    content: Type.Optional(InteractionContent),
  },
  { title: 'IngestInteraction', additionalProperties: false },
);
export type IngestInteraction = Static<typeof IngestInteraction>;

export const INGEST_MAX_INTERACTIONS = 1000;

export const IngestRequest = Type.Object(
  { interactions: Type.Array(IngestInteraction, { minItems: 1, maxItems: INGEST_MAX_INTERACTIONS }) },
  { title: 'IngestRequest', additionalProperties: false },
);
export type IngestRequest = Static<typeof IngestRequest>;

export const IngestRejection = Type.Object(
  { index: Type.Integer({ minimum: 0, description: 'Position in the request' }), id: Type.String(), reason: Type.String() },
  { title: 'IngestRejection' },
);

export const IngestResult = Type.Object(
  {
    accepted: Type.Integer({ minimum: 0, description: 'Interactions accepted (stored, or safe in the spool until ClickHouse takes them)' }),
    rejected: Type.Array(IngestRejection, { description: 'Interactions refused, each with why; the rest were accepted' }),
  },
  { title: 'IngestResult' },
);
export type IngestResult = Static<typeof IngestResult>;

/** An interaction as the API shows it. */
export const Interaction = Type.Object(
  {
    id: Type.String(),
    agentId: Id,
    source: Type.Union([Type.Literal('otlp'), Type.Literal('api')]),
    startedAt: Timestamp,
    latencyMs: Type.Number(),
    timeToFirstTokenMs: Nullable(Type.Number()),
    vendor: Type.String({ description: 'gen_ai.provider.name' }),
    operation: Type.String(),
    model: Type.String(),
    responseModel: Type.String(),
    version: Nullable(Type.Integer({ minimum: 1, description: "The agent's version this request ran under" })),
    tokens: Type.Object({ input: Count, output: Count, cacheRead: Count, cacheWrite: Count }),
    costUsd: Nullable(Decimal),
    status: InteractionStatus,
    policyAction: Nullable(Type.Union([Type.Literal('warn'), Type.Literal('block')], { description: 'What a governance policy did: warn or block (GET /api/v1/governance/violations?agentId= lists why); null when none matched' })),
    errorType: Nullable(Type.String()),
    conversationId: Nullable(Type.String()),
    userId: Nullable(Type.String({ description: 'The end user the request was for (user.id); kept only with content capture on' })),
    traceId: Nullable(Type.String()),
    spanId: Nullable(Type.String()),
    content: Nullable(InteractionContent),
  },
  { title: 'Interaction' },
);
export type Interaction = Static<typeof Interaction>;

export const InteractionPageMeta = Type.Object(
  { limit: Type.Integer({ minimum: 1 }), nextCursor: Nullable(Type.String({ description: 'Pass as cursor for the next page; null on the last' })) },
  { title: 'InteractionPageMeta' },
);
export type InteractionPageMeta = Static<typeof InteractionPageMeta>;

export const Conversation = Type.Object(
  {
    id: Type.String(),
    agentIds: Type.Array(Id),
    startedAt: Timestamp,
    endedAt: Timestamp,
    interactions: Type.Array(Interaction, { description: 'In the order they started' }),
  },
  { title: 'Conversation' },
);
export type Conversation = Static<typeof Conversation>;

/** A version of an agent: what it ran as, from when. */
export const AgentVersion = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    fingerprint: Type.String({ description: 'sha256 of model, system instructions and sorted tool names' }),
    model: Type.String(),
    systemHash: Nullable(Type.String({ description: 'sha256 of the system instructions (the text is not kept here)' })),
    toolNames: Type.Array(Type.String()),
    firstSeenAt: Timestamp,
    lastSeenAt: Timestamp,
  },
  { title: 'AgentVersion' },
);
export type AgentVersion = Static<typeof AgentVersion>;
