/**
 * The labelled set of context search (testdata/context/labelled.jsonl): items of four agents and
 * their users, stored and embedded for real, and paraphrased queries each naming the item it should
 * find. recall@5: the share of queries whose item is among the first five hits. Used by
 * test/context/search-recall.test.ts (the floor) and `npm run bench:context` (the figure).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, ContextType } from '@ai-arm/schemas';
import type { ContextIndex } from '../src/context/index/service';
import type { TelemetryDb } from '../src/stores/clickhouse/client';
import { millisText } from '../src/stores/clickhouse/time-text';
import { asTenant } from '../src/stores/tenant-scope';

interface ItemLine {
  kind: 'item';
  id: string;
  agent: string;
  type: ContextType;
  userId: string | null;
  content: string;
}
interface QueryLine {
  kind: 'query';
  q: string;
  expected: string[];
  agent: string;
}

export function readLabelled(file = join(__dirname, '..', 'testdata', 'context', 'labelled.jsonl')): { items: ItemLine[]; queries: QueryLine[] } {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { kind: string });
  return { items: lines.filter((l): l is ItemLine => l.kind === 'item'), queries: lines.filter((l): l is QueryLine => l.kind === 'query') };
}

export interface RecallReport {
  items: number;
  queries: number;
  /** Queries across the organisation (no agent filter). */
  recallAt5: number;
  /** The same queries with their agent as filter. */
  recallAt5ByAgent: number;
  mrr: number;
  misses: { q: string; expected: string; got: string[] }[];
  queryEmbeddingMsP50: number;
  searchMsP50: number;
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Stores the set's items for one organisation (rows in context_items, then the index embeds them) and runs its queries. */
export async function labelledRecall(db: TelemetryDb, index: ContextIndex, organizationId: string): Promise<RecallReport> {
  const { items, queries } = readLabelled();
  const agentIds = new Map([...new Set(items.map((i) => i.agent))].map((a) => [a, randomUUID()]));
  const ids = new Map(items.map((i) => [i.id, randomUUID()]));
  const label = new Map<string, string>([...ids].map(([k, v]) => [v, k]));
  const at = new Date(Date.UTC(2026, 0, 1)).toISOString();
  const contexts: Context[] = items.map((i) => ({
    id: ids.get(i.id)!,
    agentId: agentIds.get(i.agent)!,
    type: i.type,
    content: i.content,
    key: null,
    confidence: 0.8,
    source: { type: 'MANUAL', interactionId: null, extractor: null, importedFrom: null },
    userId: i.userId,
    validFrom: at,
    validUntil: null,
    tags: [],
    supersededBy: null,
    mergedCount: 1,
    metadata: {},
    createdAt: at,
    updatedAt: at,
  }));
  await asTenant(organizationId, () =>
    db.insert(
      'context_items',
      contexts.map((c, n) => ({
        organization_id: organizationId, agent_id: c.agentId, id: c.id, type: c.type, content: c.content, key: '', content_hash: '0'.repeat(64), confidence: c.confidence,
        source_type: 'MANUAL', interaction_id: '', extractor: '', imported_from: '', user_id: c.userId ?? '', valid_from: millisText(Date.parse(at)), valid_until: null,
        tags: [], superseded_by: '', merged_count: 1, metadata: '{}', created_at: millisText(Date.parse(at)), updated_at: millisText(Date.parse(at)), deleted: 0, version: n + 1,
      })),
    ),
  );
  await index.changed(organizationId, contexts);
  let found = 0;
  let foundByAgent = 0;
  let rr = 0;
  const misses: RecallReport['misses'] = [];
  const embedMs: number[] = [];
  const searchMs: number[] = [];
  for (const q of queries) {
    const r = await index.search(organizationId, { q: q.q, limit: 5 });
    embedMs.push(r.queryEmbeddingMs);
    searchMs.push(r.searchMs);
    const got = r.hits.map((h) => label.get(h.item.id)!);
    const rank = got.findIndex((g) => q.expected.includes(g));
    if (rank >= 0) (found++, (rr += 1 / (rank + 1)));
    else misses.push({ q: q.q, expected: q.expected.join(','), got });
    const scoped = await index.search(organizationId, { q: q.q, limit: 5, agentId: agentIds.get(q.agent) });
    if (scoped.hits.some((h) => q.expected.includes(label.get(h.item.id)!))) foundByAgent++;
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    items: items.length,
    queries: queries.length,
    recallAt5: round(found / queries.length),
    recallAt5ByAgent: round(foundByAgent / queries.length),
    mrr: round(rr / queries.length),
    misses,
    queryEmbeddingMsP50: round(p50(embedMs)),
    searchMsP50: round(p50(searchMs)),
  };
}
