/**
 * The context vault (issue 21): what an agent has learnt from its interactions (facts, a user's
 * preferences, standing instructions, intents), portable from one vendor's agent to another's.
 * Items and their vectors are telemetry-scale and live in ClickHouse; preference injections (a
 * change made to a vendor agent, kept for undo) live in Postgres beside the audit chain.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Id, Metadata, Nullable, Ratio, Timestamp } from '../common';
import { ContextType, ExportFormat } from '../enums';

export const CONTEXT_SOURCES = ['INTERACTION', 'MANUAL', 'IMPORT', 'TRANSFER'] as const;
export const ContextSource = Type.Object(
  {
    type: Type.Union(CONTEXT_SOURCES.map((s) => Type.Literal(s)), { description: 'INTERACTION: extracted from a pushed interaction; MANUAL: added by a person; IMPORT: from an export file; TRANSFER: from another agent' }),
    interactionId: Nullable(Type.String({ description: 'The interaction it was extracted from' })),
    extractor: Nullable(Type.String({ description: 'rules, or llm:<model> when the organisation\'s extractor model found it' })),
    importedFrom: Nullable(Type.String({ description: 'The agent (transfer) or the export (its checksum) it came from' })),
  },
  { $id: 'ContextSource', title: 'ContextSource', description: 'How a context item was captured' },
);
export type ContextSource = Static<typeof ContextSource>;

export const Context = Type.Object(
  {
    id: Id,
    agentId: Id,
    type: ContextType,
    content: Type.String({ minLength: 1, maxLength: 32768 }),
    /** Preferences and instructions name what they are about, so a newer one supersedes an older one. */
    key: Nullable(Type.String({ maxLength: 128, description: 'What a PREFERENCE or INSTRUCTION is about (e.g. response_format, language); a newer item with the same key, user and agent supersedes the older' })),
    confidence: Ratio,
    source: ContextSource,
    userId: Nullable(Type.String({ maxLength: 255, description: 'The end user it is about (enduser.id / user.id of the interaction), or null for the agent as a whole' })),
    validFrom: Timestamp,
    validUntil: Nullable(Timestamp),
    tags: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 }),
    supersededBy: Nullable(Type.String({ description: 'The item that replaced this one (a newer preference); superseded items stay for history and are not searched by default' })),
    mergedCount: Type.Integer({ minimum: 1, description: 'How many captures said the same thing (merged into this item)' }),
    metadata: Metadata,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Context', title: 'Context', description: 'One portable piece of what an agent has learnt' },
);
export type Context = Static<typeof Context>;

/** A preference as the PRD names it: the PREFERENCE items of an agent, by key. */
export const Preference = Type.Object(
  {
    id: Id,
    agentId: Id,
    userId: Nullable(Type.String()),
    category: Type.String({ minLength: 1, description: 'communication_style, format, language, ... (the item key\'s prefix)' }),
    key: Type.String({ minLength: 1 }),
    value: Type.String(),
    examples: Type.Array(Type.String()),
    confidence: Ratio,
    lastObserved: Timestamp,
  },
  { $id: 'Preference', title: 'Preference' },
);
export type Preference = Static<typeof Preference>;

/** ARM_NATIVE: lossless, every item with its metadata, and a checksum over the items. */
export const ContextExport = Type.Object(
  {
    format: ExportFormat,
    version: Type.Literal(1),
    organizationId: Id,
    sourceAgent: Type.Object({ id: Id, name: Type.String(), vendor: Type.String() }),
    exportedAt: Timestamp,
    items: Type.Array(Context),
    checksum: Type.String({ pattern: '^sha256:[0-9a-f]{64}$', description: 'sha256 of the canonical JSON of items (keys sorted)' }),
  },
  { $id: 'ContextExport', title: 'ContextExport', description: "An agent's context bundle, portable to another agent or vendor" },
);
export type ContextExport = Static<typeof ContextExport>;

/** A write of preferences into a vendor agent's instructions, kept so it can be undone. */
export const PreferenceInjection = Type.Object(
  {
    id: Id,
    agentId: Id,
    vendor: Type.String(),
    before: Type.String({ description: "The agent's instructions before" }),
    after: Type.String({ description: 'The instructions written' }),
    preferenceIds: Type.Array(Id),
    createdAt: Timestamp,
    createdBy: Type.String(),
    undoneAt: Nullable(Timestamp),
    undoneBy: Nullable(Type.String()),
  },
  { $id: 'PreferenceInjection', title: 'PreferenceInjection' },
);
export type PreferenceInjection = Static<typeof PreferenceInjection>;
