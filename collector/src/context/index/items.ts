import type { Context } from '@ai-arm/schemas';
import { iso } from '../../interactions/reads';

/** A context_items row as ClickHouse answers it (read newest version first: the newest version of each item). */
export interface ItemRow {
  id: string;
  agent_id: string;
  type: Context['type'];
  content: string;
  key: string;
  confidence: number;
  source_type: Context['source']['type'];
  interaction_id: string;
  extractor: string;
  imported_from: string;
  user_id: string;
  valid_from: string;
  valid_until: string | null;
  tags: string[];
  superseded_by: string;
  merged_count: number;
  metadata: string;
  created_at: string;
  updated_at: string;
  deleted: number;
}

/** The columns an ItemRow is read from. */
export const ITEM_COLUMNS =
  'id, agent_id, type, content, key, confidence, source_type, interaction_id, extractor, imported_from, user_id, valid_from, valid_until, tags, superseded_by, merged_count, metadata, created_at, updated_at, deleted';

const orNull = (s: string) => (s === '' ? null : s);

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
    validFrom: iso(r.valid_from),
    validUntil: r.valid_until ? iso(r.valid_until) : null,
    tags: r.tags,
    supersededBy: orNull(r.superseded_by),
    mergedCount: Number(r.merged_count),
    metadata: metadataOf(r.metadata),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}
