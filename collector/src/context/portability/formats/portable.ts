/**
 * The fields an item keeps wherever it goes (type, content, key, user, confidence, validity,
 * tags, metadata), checked one entry at a time: an import reports each bad entry with its index
 * and why, and captures the rest. The limits are the Context entity's (schemas/entities/context.ts).
 */
import { CONTEXT_TYPES, type ContextSource, type ContextType } from '@ai-arm/schemas';
import type { ContextDraft } from '../../items/draft';

export interface PortableItem {
  type: ContextType;
  content: string;
  key: string | null;
  userId: string | null;
  confidence: number;
  /** Epoch ms; absent: the capture's time. */
  validFromMs?: number;
  validUntilMs?: number | null;
  tags: string[];
  metadata: Record<string, unknown>;
  /** ARM_NATIVE only: how many captures the item stood for. */
  mergedCount?: number;
}

/** What reading an export gives: entries ready to capture and those refused, each by its index in the export. */
export interface ParsedImport {
  /** How many entries the export holds. */
  entries: number;
  items: { index: number; item: PortableItem }[];
  invalid: { index: number; reason: string }[];
  /** ARM_NATIVE: the checksum matched (a mismatch refuses the whole import); null for formats without one. */
  checksumVerified: boolean | null;
  /** What the drafts' source.importedFrom names: the checksum, or the format. */
  importedFrom: string;
  /** Provenance an ARM_NATIVE item carries over (the interaction and extractor it came from), by entry index. */
  provenance?: Map<number, { interactionId: string | null; extractor: string | null }>;
}

export const MAX_CONTENT = 32_768;
export const MAX_KEY = 128;
export const MAX_USER = 255;
export const MAX_TAGS = 32;
export const MAX_TAG = 64;
/** Entries one import takes; a larger export is imported in parts. */
export const MAX_IMPORT_ENTRIES = 10_000;

const TYPES = new Set<string>(CONTEXT_TYPES);
// RFC 3339 with a zone, as the API's timestamps are written.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function time(v: unknown, field: string): number | string {
  if (typeof v !== 'string' || !RFC3339.test(v) || !Number.isFinite(Date.parse(v))) return `${field} must be an RFC 3339 timestamp with a zone (e.g. 2025-03-01T12:00:00Z)`;
  return Date.parse(v);
}

function optionalText(v: unknown, field: string, max: number): string | null | { error: string } {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) return { error: `${field} must be null or a string of 1 to ${max} characters` };
  return v;
}

/**
 * One entry's portable fields, or why it cannot be captured. `times`: validFrom is required
 * (ARM_NATIVE, JSON); otherwise absent means now. Confidence defaults to `defaultConfidence`
 * where the format has none (OPENAI, ANTHROPIC).
 */
export function checkPortable(raw: unknown, o: { times: boolean; metadata: boolean; defaultConfidence?: number }): PortableItem | string {
  if (!isObject(raw)) return 'an entry must be an object';
  if (typeof raw.type !== 'string' || !TYPES.has(raw.type)) return `type must be one of ${CONTEXT_TYPES.join(', ')}`;
  if (typeof raw.content !== 'string' || raw.content.trim() === '') return 'content must be a non-empty string';
  if (raw.content.length > MAX_CONTENT) return `content is longer than ${MAX_CONTENT} characters`;
  const key = optionalText(raw.key, 'key', MAX_KEY);
  if (key !== null && typeof key === 'object') return key.error;
  const userId = optionalText(raw.userId, 'userId', MAX_USER);
  if (userId !== null && typeof userId === 'object') return userId.error;
  let confidence = o.defaultConfidence;
  if (raw.confidence !== undefined || confidence === undefined) {
    if (typeof raw.confidence !== 'number' || !Number.isFinite(raw.confidence) || raw.confidence < 0 || raw.confidence > 1) return 'confidence must be a number from 0 to 1';
    confidence = raw.confidence;
  }
  const item: PortableItem = { type: raw.type as ContextType, content: raw.content, key, userId, confidence, tags: [], metadata: {} };
  if (o.times || raw.validFrom !== undefined) {
    const from = time(raw.validFrom, 'validFrom');
    if (typeof from === 'string') return from;
    item.validFromMs = from;
  }
  if (raw.validUntil !== undefined && raw.validUntil !== null) {
    const until = time(raw.validUntil, 'validUntil');
    if (typeof until === 'string') return until;
    if (item.validFromMs !== undefined && until <= item.validFromMs) return 'validUntil must be after validFrom';
    item.validUntilMs = until;
  } else if (o.times || raw.validUntil === null) item.validUntilMs = null;
  if (raw.tags !== undefined) {
    if (!Array.isArray(raw.tags) || raw.tags.length > MAX_TAGS || raw.tags.some((t) => typeof t !== 'string' || t.length === 0 || t.length > MAX_TAG)) return `tags must be a list of at most ${MAX_TAGS} strings of 1 to ${MAX_TAG} characters`;
    item.tags = [...(raw.tags as string[])];
  }
  if (o.metadata && raw.metadata !== undefined) {
    if (!isObject(raw.metadata)) return 'metadata must be an object';
    item.metadata = raw.metadata;
  }
  return item;
}

/** The draft ContextStore.capture takes for one entry, for `agentId`, with the given provenance. */
export function draftOf(agentId: string, item: PortableItem, source: ContextSource): ContextDraft {
  return {
    agentId,
    type: item.type,
    content: item.content,
    key: item.key,
    confidence: item.confidence,
    userId: item.userId,
    ...(item.validFromMs !== undefined ? { validFromMs: item.validFromMs } : {}),
    ...(item.validUntilMs !== undefined ? { validUntilMs: item.validUntilMs } : {}),
    tags: item.tags,
    metadata: item.metadata,
    ...(item.mergedCount !== undefined ? { mergedCount: item.mergedCount } : {}),
    source,
  };
}

/** Whether an export has more entries than one import takes: said before anything is read. */
export const tooMany = (n: number) => n > MAX_IMPORT_ENTRIES;
