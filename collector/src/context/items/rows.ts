/**
 * context_items rows and the Context they stand for. A row is one version of an item: a write
 * (an edit, a merge, a supersede, a delete) inserts the item again with a higher version and
 * ReplacingMergeTree keeps the newest, so reads go through FINAL and leave `deleted = 1` out.
 */
import { createHash } from 'node:crypto';
import type { Context, ContextType } from '@ai-arm/schemas';
import { iso, millisText } from '../../stores/clickhouse/time-text';

export interface ItemRow {
  id: string;
  agent_id: string;
  type: ContextType;
  content: string;
  key: string;
  content_hash: string;
  confidence: number;
  source_type: Context['source']['type'];
  interaction_id: string;
  extractor: string;
  imported_from: string;
  user_id: string;
  valid_from_at: string;
  valid_until_at: string | null;
  tags: string[];
  superseded_by: string;
  merged_count: number | string;
  metadata: string;
  created_text: string;
  updated_text: string;
  /** 1 in the row that deletes the item (reads without FINAL see it as the newest version). */
  deleted: number | string;
}

// No alias takes a column's name: WHERE would compare the alias (the text) instead of the column.
export const ITEM_COLUMNS = `id, agent_id, type, content, key, content_hash, confidence, source_type, interaction_id, extractor, imported_from, user_id,
  toString(valid_from) AS valid_from_at, if(valid_until IS NULL, NULL, toString(valid_until)) AS valid_until_at, tags, superseded_by, merged_count, metadata,
  toString(created_at) AS created_text, toString(updated_at) AS updated_text, deleted`;

/** Preferences and instructions are what a newer item with the same key, user and agent replaces. */
export const SUPERSEDABLE: ReadonlySet<ContextType> = new Set(['PREFERENCE', 'INSTRUCTION']);

const orNull = (s: string) => (s === '' ? null : s);

/** The stored metadata; an object always, whatever the row holds. */
function metadataOf(text: string): Context['metadata'] {
  try {
    const m = JSON.parse(text) as unknown;
    return m && typeof m === 'object' && !Array.isArray(m) ? (m as Context['metadata']) : {};
  } catch {
    return {};
  }
}

export function toContext(r: ItemRow): Context {
  return {
    id: r.id,
    agentId: r.agent_id,
    type: r.type,
    content: r.content,
    key: orNull(r.key),
    confidence: Number(r.confidence),
    source: { type: r.source_type, interactionId: orNull(r.interaction_id), extractor: orNull(r.extractor), importedFrom: orNull(r.imported_from) },
    userId: orNull(r.user_id),
    validFrom: iso(r.valid_from_at),
    validUntil: r.valid_until_at === null ? null : iso(r.valid_until_at),
    tags: r.tags,
    supersededBy: orNull(r.superseded_by),
    mergedCount: Number(r.merged_count),
    metadata: metadataOf(r.metadata),
    createdAt: iso(r.created_text),
    updatedAt: iso(r.updated_text),
  };
}

/** The row of one version of an item. */
export function toRow(organizationId: string, c: Context, version: number, deleted = false): Record<string, unknown> {
  return {
    organization_id: organizationId,
    agent_id: c.agentId,
    id: c.id,
    type: c.type,
    content: c.content,
    key: c.key ?? '',
    content_hash: contentHash(c),
    confidence: c.confidence,
    source_type: c.source.type,
    interaction_id: c.source.interactionId ?? '',
    extractor: c.source.extractor ?? '',
    imported_from: c.source.importedFrom ?? '',
    user_id: c.userId ?? '',
    valid_from: millisText(Date.parse(c.validFrom)),
    valid_until: c.validUntil === null ? null : millisText(Date.parse(c.validUntil)),
    tags: c.tags,
    superseded_by: c.supersededBy ?? '',
    merged_count: c.mergedCount,
    metadata: JSON.stringify(c.metadata),
    created_at: millisText(Date.parse(c.createdAt)),
    updated_at: millisText(Date.parse(c.updatedAt)),
    deleted: deleted ? 1 : 0,
    version,
  };
}

/**
 * What makes two items "the same thing said": case, spacing, quotes and the closing punctuation
 * do not count ("I live in Berlin." and "i live in  berlin" are one item).
 */
export function normalisedContent(content: string): string {
  return content
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.!?;:,]+$/u, '');
}

/** sha256 of the normalised content with the agent, type, key and user: equal hashes are merged. */
export function contentHash(c: { agentId: string; type: ContextType; content: string; key?: string | null; userId?: string | null }): string {
  return createHash('sha256')
    .update([c.agentId.toLowerCase(), c.type, (c.key ?? '').toLowerCase(), c.userId ?? '', normalisedContent(c.content)].join('\u0000'))
    .digest('hex');
}

let lastVersion = 0;
/**
 * The next row version: microseconds of the wall clock, never less than one past the last given,
 * so two writes of one item in the same millisecond still order (ReplacingMergeTree keeps the
 * highest). Below 2^53 until the year 2255.
 */
export function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}
