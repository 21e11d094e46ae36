import { randomUUID } from 'node:crypto';
import type { Context } from '@ai-arm/schemas';
import type { TelemetryDb } from '../../src/stores/clickhouse/client';
import { millisText } from '../../src/stores/clickhouse/time-text';
import { asTenant } from '../../src/stores/tenant-scope';

let version = 1;

/** A context item as ContextStore would hold it, with the fields a test names. */
export function item(agentId: string, content: string, over: Partial<Context> = {}): Context {
  const at = new Date(Date.UTC(2026, 0, 1)).toISOString();
  return {
    id: randomUUID(),
    agentId,
    type: 'FACT',
    content,
    key: null,
    confidence: 0.8,
    source: { type: 'MANUAL', interactionId: null, extractor: null, importedFrom: null },
    userId: null,
    validFrom: at,
    validUntil: null,
    tags: [],
    supersededBy: null,
    mergedCount: 1,
    metadata: {},
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}

/** Writes items into context_items as a new version each (the vector index reads them back with FINAL); until ContextStore lands, tests write the rows themselves. */
export async function putItems(db: TelemetryDb, organizationId: string, items: readonly Context[], o: { deleted?: boolean } = {}): Promise<void> {
  await asTenant(organizationId, () =>
    db.insert(
      'context_items',
      items.map((c) => ({
        organization_id: organizationId,
        agent_id: c.agentId,
        id: c.id,
        type: c.type,
        content: c.content,
        key: c.key ?? '',
        content_hash: '0'.repeat(64),
        confidence: c.confidence,
        source_type: c.source.type,
        interaction_id: c.source.interactionId ?? '',
        extractor: c.source.extractor ?? '',
        imported_from: c.source.importedFrom ?? '',
        user_id: c.userId ?? '',
        valid_from: millisText(Date.parse(c.validFrom)),
        valid_until: c.validUntil ? millisText(Date.parse(c.validUntil)) : null,
        tags: c.tags,
        superseded_by: c.supersededBy ?? '',
        merged_count: c.mergedCount,
        metadata: JSON.stringify(c.metadata),
        created_at: millisText(Date.parse(c.createdAt)),
        updated_at: millisText(Date.parse(c.updatedAt)),
        deleted: o.deleted ? 1 : 0,
        version: version++,
      })),
    ),
  );
}
