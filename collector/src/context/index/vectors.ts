import { createHash } from 'node:crypto';
import type { Context } from '@ai-arm/schemas';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { millisText } from '../../stores/clickhouse/time-text';
import type { Embedder } from '../../embeddings/embedder';
import { nextVersion } from '../items/rows';

/** A row of a context_vectors_* table (migration 009). */
export interface VectorRow {
  organization_id: string;
  agent_id: string;
  user_id: string;
  item_id: string;
  type: string;
  valid_from: string;
  valid_until: string | null;
  superseded: number;
  deleted: number;
  text_hash: string;
  version: number;
  embedding: number[];
}

type Current = Pick<VectorRow, 'item_id' | 'user_id' | 'type' | 'valid_from' | 'valid_until' | 'superseded' | 'text_hash' | 'embedding'>;

export const textHash = (content: string) => createHash('sha256').update(content).digest('hex');

export interface WriteOutcome {
  embedded: number;
  refiltered: number;
  removed: number;
}

/**
 * Brings the vectors of changed items in line with them: an item whose content is new or changed
 * is embedded; one whose content is the same keeps its vector and gets its filters written again
 * (type, user, validity, superseded); a deleted one is written with deleted = 1. Each write is a
 * new version of the row (ReplacingMergeTree); when the user changed, the row under the old
 * user (another sorting key) is marked deleted too, so no stale copy answers a search.
 */
export async function writeVectors(db: TelemetryDb, table: string, embedder: Embedder, organizationId: string, items: readonly Context[], deletedIds: ReadonlySet<string>): Promise<WriteOutcome> {
  const ids = [...new Set(items.map((i) => i.id))];
  const agents = [...new Set(items.map((i) => i.agentId))];
  const current = new Map(
    (
      await db.query<Current>(
        `SELECT item_id, user_id, type, valid_from, valid_until, superseded, text_hash, embedding
           FROM {db:Identifier}.${table} FINAL
          WHERE organization_id = {org:UUID} AND agent_id IN {agents:Array(UUID)} AND item_id IN {ids:Array(UUID)} AND deleted = 0`,
        { org: organizationId, agents, ids },
      )
    ).map((r) => [r.item_id, r]),
  );
  const rows: VectorRow[] = [];
  const toEmbed: { item: Context; hash: string }[] = [];
  const row = (item: Context, user: string, hash: string, embedding: number[], deleted: number): VectorRow => ({
    organization_id: organizationId,
    agent_id: item.agentId,
    user_id: user,
    item_id: item.id,
    type: item.type,
    valid_from: millisText(Date.parse(item.validFrom)),
    valid_until: item.validUntil ? millisText(Date.parse(item.validUntil)) : null,
    superseded: item.supersededBy ? 1 : 0,
    deleted,
    text_hash: hash,
    version: nextVersion(),
    embedding,
  });
  let refiltered = 0;
  let removed = 0;
  // The last change of an item in the batch wins.
  const latest = new Map(items.map((i) => [i.id, i]));
  for (const item of latest.values()) {
    const cur = current.get(item.id);
    const user = item.userId ?? '';
    if (deletedIds.has(item.id)) {
      if (cur) {
        rows.push(row(item, cur.user_id, cur.text_hash, cur.embedding, 1));
        removed++;
      }
      continue;
    }
    const hash = textHash(item.content);
    if (cur && cur.user_id !== user) rows.push(row(item, cur.user_id, cur.text_hash, cur.embedding, 1));
    if (cur && cur.text_hash === hash) {
      const next = row(item, user, hash, cur.embedding, 0);
      const same = cur.user_id === user && cur.type === next.type && cur.valid_from === next.valid_from && cur.valid_until === next.valid_until && cur.superseded === next.superseded;
      if (!same) {
        rows.push(next);
        refiltered++;
      }
    } else toEmbed.push({ item, hash });
  }
  if (toEmbed.length > 0) {
    const vectors = await embedder.embed(toEmbed.map((e) => e.item.content));
    toEmbed.forEach((e, i) => rows.push(row(e.item, e.item.userId ?? '', e.hash, Array.from(vectors[i]!), 0)));
  }
  // Each agent is a partition, and ClickHouse refuses an insert touching more than 100 of them.
  const byAgent = new Map<string, VectorRow[]>();
  for (const r of rows) byAgent.set(r.agent_id, [...(byAgent.get(r.agent_id) ?? []), r]);
  const groups = [...byAgent.values()];
  for (let i = 0; i < groups.length; i += 100) await db.insert(table, groups.slice(i, i + 100).flat() as unknown as Record<string, unknown>[]);
  return { embedded: toEmbed.length, refiltered, removed };
}
