/** Request and response shapes of the context vault's routes (/api/v1/context/..., /api/v1/preferences/...). */
import { Type, type Static } from '@sinclair/typebox';
import { Id, Metadata, Nullable, Ratio, Timestamp } from '../common';
import { ContextType, ExportFormat } from '../enums';
import { Context, PreferenceInjection } from '../entities/context';
import { EvaluatorModel } from '../entities/quality';
import { Inline } from './shared';

const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 });
const Content = Type.String({ minLength: 1, maxLength: 32768 });

/** POST /api/v1/context: a person adds an item by hand (source MANUAL). */
export const ContextInput = Type.Object(
  {
    agentId: Id,
    type: ContextType,
    content: Content,
    key: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    confidence: Type.Optional(Ratio),
    userId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    validFrom: Type.Optional(Timestamp),
    validUntil: Type.Optional(Timestamp),
    tags: Type.Optional(Tags),
    metadata: Type.Optional(Metadata),
  },
  { title: 'ContextInput', additionalProperties: false },
);
export type ContextInput = Static<typeof ContextInput>;

export const ContextPatch = Type.Partial(
  Type.Object({
    type: ContextType,
    content: Content,
    key: Nullable(Type.String({ minLength: 1, maxLength: 128 })),
    confidence: Ratio,
    userId: Nullable(Type.String({ minLength: 1, maxLength: 255 })),
    validFrom: Timestamp,
    validUntil: Nullable(Timestamp),
    tags: Tags,
    metadata: Metadata,
  }),
  { title: 'ContextPatch', additionalProperties: false, minProperties: 1 },
);
export type ContextPatch = Static<typeof ContextPatch>;

export const ContextListQuery = Type.Object(
  {
    agentId: Type.Optional(Type.String({ format: 'uuid' })),
    type: Type.Optional(ContextType),
    userId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    validAt: Type.Optional(Type.String({ format: 'date-time', description: 'Only items valid at this time' })),
    includeSuperseded: Type.Optional(Type.Boolean({ default: false })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { title: 'ContextListQuery', additionalProperties: false },
);
export type ContextListQuery = Static<typeof ContextListQuery>;

export const ContextPageMeta = Type.Object({ nextCursor: Nullable(Type.String()), limit: Type.Integer({ minimum: 1 }) }, { title: 'ContextPageMeta' });

export const ContextSearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 1000, description: 'What to look for, in plain words' }),
    agentId: Type.Optional(Type.String({ format: 'uuid' })),
    type: Type.Optional(ContextType),
    userId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    validAt: Type.Optional(Type.String({ format: 'date-time', description: 'Only items valid at this time (default now); superseded items are left out' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  },
  { title: 'ContextSearchQuery', additionalProperties: false },
);
export type ContextSearchQuery = Static<typeof ContextSearchQuery>;

export const ContextSearchHit = Type.Object(
  {
    item: Inline(Context),
    score: Type.Number({ description: 'The combined rank score (higher is better)' }),
    semantic: Nullable(Type.Number({ description: 'Cosine similarity of the query and the item (null when no vector matched)' })),
    keyword: Type.Number({ minimum: 0, description: 'Share of the query words found in the item' }),
    why: Type.String({ description: 'Why it matched, in words: the similarity and the words it shares with the query' }),
  },
  { title: 'ContextSearchHit' },
);
export type ContextSearchHit = Static<typeof ContextSearchHit>;

export const ContextSearchResult = Type.Object(
  {
    hits: Type.Array(ContextSearchHit),
    embeddingModel: Type.String(),
    queryEmbeddingMs: Type.Number({ minimum: 0 }),
    searchMs: Type.Number({ minimum: 0 }),
  },
  { title: 'ContextSearchResult' },
);
export type ContextSearchResult = Static<typeof ContextSearchResult>;

/** POST /api/v1/context/extract: run the extractor over stored interactions (content capture on) now. */
export const ExtractRequest = Type.Object(
  {
    agentId: Type.Optional(Type.String({ format: 'uuid' })),
    interactionIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1, maxItems: 500 })),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 200, description: 'Most interactions read' })),
    dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Show what would be captured without storing it' })),
  },
  { title: 'ExtractRequest', additionalProperties: false },
);
export type ExtractRequest = Static<typeof ExtractRequest>;

/** What a capture (extraction, import, transfer) did or, on a dry run, would do. */
export const CapturePlan = Type.Object(
  {
    dryRun: Type.Boolean(),
    created: Type.Array(Inline(Context)),
    merged: Type.Array(Inline(Context), { description: 'Existing items that said the same thing: their confidence and count went up' }),
    superseded: Type.Array(Inline(Context), { description: 'Existing preferences or instructions a newer item with the same key replaced' }),
    unchanged: Type.Integer({ minimum: 0 }),
    invalid: Type.Array(Type.Object({ index: Type.Integer({ minimum: 0 }), reason: Type.String() })),
  },
  { title: 'CapturePlan' },
);
export type CapturePlan = Static<typeof CapturePlan>;

export const ExtractResult = Type.Object(
  { interactionsRead: Type.Integer({ minimum: 0 }), extractor: Type.String({ description: 'rules, or llm:<model>' }), plan: CapturePlan },
  { title: 'ExtractResult' },
);
export type ExtractResult = Static<typeof ExtractResult>;

export const ExportQuery = Type.Object(
  { agentId: Type.String({ format: 'uuid' }), format: Type.Optional(ExportFormat), includeSuperseded: Type.Optional(Type.Boolean({ default: false })) },
  { title: 'ExportQuery', additionalProperties: false },
);

/** OPENAI: an assistant's instructions plus files a vector store takes (one per context type). */
export const OpenAiContextExport = Type.Object(
  { format: Type.Literal('OPENAI'), instructions: Type.String(), files: Type.Array(Type.Object({ filename: Type.String(), content: Type.String() })) },
  { title: 'OpenAiContextExport' },
);
/** ANTHROPIC: a system prompt plus memory entries. */
export const AnthropicContextExport = Type.Object(
  { format: Type.Literal('ANTHROPIC'), system: Type.String(), memories: Type.Array(Type.Object({ key: Nullable(Type.String()), type: ContextType, content: Type.String() })) },
  { title: 'AnthropicContextExport' },
);
/** JSON: the items' portable fields, nothing of this installation (no ids, no organisation). */
export const JsonContextExport = Type.Object(
  {
    format: Type.Literal('JSON'),
    items: Type.Array(
      Type.Object({
        type: ContextType,
        content: Type.String(),
        key: Nullable(Type.String()),
        userId: Nullable(Type.String()),
        confidence: Type.Number(),
        validFrom: Timestamp,
        validUntil: Nullable(Timestamp),
        tags: Type.Array(Type.String()),
      }),
    ),
  },
  { title: 'JsonContextExport' },
);

export const ImportRequest = Type.Object(
  {
    agentId: Type.String({ format: 'uuid', description: 'The agent the items are for' }),
    format: ExportFormat,
    data: Type.Unknown({ description: 'The export, as GET /api/v1/context/export gave it (or written by hand in the same shape)' }),
    dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Show the plan without storing anything' })),
  },
  { title: 'ImportRequest', additionalProperties: false },
);
export type ImportRequest = Static<typeof ImportRequest>;

export const ImportResult = Type.Object({ checksumVerified: Nullable(Type.Boolean({ description: 'ARM_NATIVE: the checksum matched; null for formats without one' })), plan: CapturePlan }, { title: 'ImportResult' });
export type ImportResult = Static<typeof ImportResult>;

export const TransferRequest = Type.Object(
  {
    fromAgentId: Type.String({ format: 'uuid' }),
    toAgentId: Type.String({ format: 'uuid' }),
    types: Type.Optional(Type.Array(ContextType, { minItems: 1, uniqueItems: true })),
    dryRun: Type.Optional(Type.Boolean({ default: false })),
    injectPreferences: Type.Optional(Type.Boolean({ default: false, description: "Also write the transferred preferences into the target agent's instructions (its vendor connector); undoable" })),
  },
  { title: 'TransferRequest', additionalProperties: false },
);
export type TransferRequest = Static<typeof TransferRequest>;

export const TransferResult = Type.Object({ plan: CapturePlan, injection: Nullable(Inline(PreferenceInjection)) }, { title: 'TransferResult' });
export type TransferResult = Static<typeof TransferResult>;

export const PreferencesQuery = Type.Object(
  { agentId: Type.Optional(Type.String({ format: 'uuid' })), userId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) },
  { title: 'PreferencesQuery', additionalProperties: false },
);

export const InjectRequest = Type.Object(
  { userId: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: "Only this user's preferences (default: the agent-wide ones)" })), dryRun: Type.Optional(Type.Boolean({ default: false })) },
  { title: 'InjectRequest', additionalProperties: false },
);
export type InjectRequest = Static<typeof InjectRequest>;

export const InjectResult = Type.Object(
  { dryRun: Type.Boolean(), before: Type.String(), after: Type.String(), injection: Nullable(Inline(PreferenceInjection)) },
  { title: 'InjectResult' },
);
export type InjectResult = Static<typeof InjectResult>;

export const UndoInjectionRequest = Type.Object({ injectionId: Type.Optional(Id) }, { title: 'UndoInjectionRequest', additionalProperties: false });

/** The organisation's extractor and embedding models: both off (rules, the offline MiniLM) unless set. */
export const ContextSettings = Type.Object(
  {
    /** An OpenAI or Anthropic connection and model the LLM extractor runs on; null: the rules extractor. */
    extractor: Nullable(Inline(EvaluatorModel)),
    /** An OpenAI connection and embedding model (e.g. text-embedding-3-small); null: all-MiniLM-L6-v2 offline. */
    embeddings: Nullable(Inline(EvaluatorModel)),
  },
  { title: 'ContextSettings', additionalProperties: false },
);
export type ContextSettings = Static<typeof ContextSettings>;
export const ContextSettingsPatch = Type.Partial(ContextSettings, { title: 'ContextSettingsPatch', additionalProperties: false, minProperties: 1 });
export type ContextSettingsPatch = Static<typeof ContextSettingsPatch>;

export const ContextReindexStatus = Type.Object(
  {
    state: Type.Union([Type.Literal('IDLE'), Type.Literal('RUNNING'), Type.Literal('DONE'), Type.Literal('FAILED'), Type.Literal('INTERRUPTED')], {
      description: 'IDLE: none since the collector started; INTERRUPTED: a shutdown ended it (the next start runs it again)',
    }),
    embeddingModel: Nullable(Type.String({ description: 'The model whose vectors the run writes' })),
    total: Type.Integer({ minimum: 0, description: 'Items that had no vector of the model when the run started' }),
    embedded: Type.Integer({ minimum: 0, description: 'Items embedded so far' }),
    startedAt: Nullable(Timestamp),
    finishedAt: Nullable(Timestamp),
    error: Nullable(Type.String()),
  },
  { title: 'ContextReindexStatus' },
);
export type ContextReindexStatus = Static<typeof ContextReindexStatus>;
