import { Type, type Static } from '@sinclair/typebox';
import { Id, Metadata, Nullable, Ratio, Timestamp } from '../common';
import { ContextType, ExportFormat } from '../enums';

export const ContextSource = Type.Object(
  {
    type: Type.Union([Type.Literal('INTERACTION'), Type.Literal('MANUAL'), Type.Literal('IMPORT'), Type.Literal('INFERENCE')]),
    interactionId: Type.Optional(Type.String()),
    importedFrom: Type.Optional(Type.String()),
  },
  { $id: 'ContextSource', title: 'ContextSource', description: 'How a context was captured' },
);
export type ContextSource = Static<typeof ContextSource>;

export const Context = Type.Object(
  {
    id: Id,
    organizationId: Id,
    agentId: Id,
    type: ContextType,
    content: Type.String({ minLength: 1, maxLength: 32768 }),
    embedding: Type.Optional(Type.Array(Type.Number(), { description: 'Vector for similarity search; omitted from most responses' })),
    source: ContextSource,
    confidence: Ratio,
    validFrom: Timestamp,
    validUntil: Nullable(Timestamp),
    metadata: Metadata,
    createdAt: Timestamp,
  },
  { $id: 'Context', title: 'Context', description: 'One portable piece of what an agent has learnt' },
);
export type Context = Static<typeof Context>;

export const Preference = Type.Object(
  {
    id: Id,
    organizationId: Id,
    userId: Nullable(Type.String()),
    category: Type.String({ minLength: 1, description: 'communication_style, format, ...' }),
    key: Type.String({ minLength: 1 }),
    value: Type.String(),
    examples: Type.Array(Type.String()),
    confidence: Ratio,
    lastObserved: Timestamp,
  },
  { $id: 'Preference', title: 'Preference' },
);
export type Preference = Static<typeof Preference>;

export const ContextExport = Type.Object(
  {
    id: Id,
    organizationId: Id,
    sourceAgentId: Id,
    format: ExportFormat,
    contexts: Type.Array(Context),
    preferences: Type.Array(Preference),
    exportedAt: Timestamp,
    checksum: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }),
  },
  { $id: 'ContextExport', title: 'ContextExport', description: 'An agent context bundle, portable to another vendor' },
);
export type ContextExport = Static<typeof ContextExport>;
