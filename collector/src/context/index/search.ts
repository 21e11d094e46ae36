import type { ContextSearchHit, ContextType } from '@ai-arm/schemas';
import { millisText } from '../../interactions/rows';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { itemsById, toContext, type ItemRow } from './items';
import { textHash } from './vectors';
import { queryWords, sharedWords, whyOf, type QueryWords } from './words';

export interface SearchScope {
  organizationId: string;
  agentId?: string;
  type?: ContextType;
  userId?: string;
  /** Items valid at this instant (epoch ms). */
  atMs: number;
  limit: number;
}

/** How much meaning and shared words weigh in the combined score (they add up to 1). */
export const SEMANTIC_WEIGHT = 0.7;
export const KEYWORD_WEIGHT = 0.3;

interface Similar {
  agent: string;
  sim: number;
  hash: string;
  version: number;
}

/** The filters every search applies, in the index query itself and in the keyword query. */
function filters(scope: SearchScope, live: string): { where: string; params: Record<string, unknown> } {
  const where = ['organization_id = {org:UUID}'];
  const params: Record<string, unknown> = { org: scope.organizationId, at: millisText(scope.atMs) };
  if (scope.agentId) (where.push('agent_id = {agent:UUID}'), (params.agent = scope.agentId));
  if (scope.type) (where.push('type = {type:String}'), (params.type = scope.type));
  if (scope.userId) (where.push('user_id = {user:String}'), (params.user = scope.userId));
  where.push("valid_from <= {at:DateTime64(3, 'UTC')}", "(valid_until IS NULL OR valid_until > {at:DateTime64(3, 'UTC')})", live, 'deleted = 0');
  return { where: where.join(' AND '), params };
}

/** Keeps, per item, the row of its newest version. */
function newest(rows: readonly { item_id: string; agent_id: string; hash: string; version: number; dist: number }[]): Map<string, Similar> {
  const out = new Map<string, Similar>();
  for (const r of rows) {
    const seen = out.get(r.item_id);
    if (!seen || Number(r.version) > seen.version) out.set(r.item_id, { agent: r.agent_id, sim: 1 - Number(r.dist), hash: r.hash, version: Number(r.version) });
  }
  return out;
}

/**
 * Nearest items by the HNSW index of the model's table, with every filter inside the query: the
 * organisation and agent pick the partitions (one graph per agent), a user is a primary-key range
 * (searched exactly), and type, validity, superseded and deleted filter the index's answer, which
 * fetches `multiplier` times the neighbours asked for so enough survive. When fewer than asked
 * survive (a narrow filter, or a small scope), the query runs again exactly over the filtered rows.
 */
export async function nearest(db: TelemetryDb, table: string, vector: Float32Array, scope: SearchScope, pool: number): Promise<Map<string, Similar>> {
  const f = filters(scope, 'superseded = 0');
  const multiplier = scope.type ? 8 : 2;
  const sql = (settings: string) =>
    `SELECT item_id, agent_id, text_hash AS hash, version, cosineDistance(embedding, {v:Array(Float32)}) AS dist
       FROM {db:Identifier}.${table}
      WHERE ${f.where}
      ORDER BY dist LIMIT ${pool}
      SETTINGS ${settings}`;
  const params = { ...f.params, v: Array.from(vector) };
  type Row = { item_id: string; agent_id: string; hash: string; version: number; dist: number };
  const read = async (settings: string) => newest(await db.query<Row>(sql(settings), params));
  const found = await read(`vector_search_filter_strategy = 'postfilter', vector_search_index_fetch_multiplier = ${multiplier}`);
  if (found.size >= pool) return found;
  return read(`vector_search_filter_strategy = 'prefilter'`);
}

/** Similarities of given items (found by their words, not by the index), exactly. */
async function similarities(db: TelemetryDb, table: string, vector: Float32Array, organizationId: string, found: readonly Worded[]): Promise<Map<string, Similar>> {
  if (found.length === 0) return new Map();
  return newest(
    await db.query<{ item_id: string; agent_id: string; hash: string; version: number; dist: number }>(
      `SELECT item_id, agent_id, text_hash AS hash, version, cosineDistance(embedding, {v:Array(Float32)}) AS dist
         FROM {db:Identifier}.${table}
        WHERE organization_id = {org:UUID} AND agent_id IN {agents:Array(UUID)} AND item_id IN {ids:Array(UUID)} AND deleted = 0`,
      { org: organizationId, agents: [...new Set(found.map((w) => w.agent_id))], ids: found.map((w) => w.id), v: Array.from(vector) },
    ),
  );
}

interface Worded {
  id: string;
  agent_id: string;
}

/**
 * Items holding the most of the query's words (any of their forms), through context_items' text
 * index: hasAnyTokens reads only granules with one of the words; the count of words each item
 * holds ranks them.
 */
export async function byWords(db: TelemetryDb, words: QueryWords, scope: SearchScope, pool: number): Promise<Worded[]> {
  if (words.words.length === 0) return [];
  const f = filters(scope, "superseded_by = ''");
  return db.query<Worded>(
    `SELECT id, agent_id, arrayCount(fs -> hasAny(tokens(lower(content)), fs), {groups:Array(Array(String))}) AS hits
       FROM {db:Identifier}.context_items
      WHERE ${f.where} AND hasAnyTokens(content, {forms:Array(String)})
      ORDER BY hits DESC, version DESC
      LIMIT 1 BY id
      LIMIT ${pool}`,
    { ...f.params, groups: words.forms, forms: [...new Set(words.forms.flat())] },
  );
}

/** Whether an item's newest version still answers the search (the index's rows may be older). */
function passes(r: ItemRow, scope: SearchScope): boolean {
  if (Number(r.deleted) !== 0 || r.superseded_by !== '') return false;
  if (scope.agentId && r.agent_id !== scope.agentId) return false;
  if (scope.type && r.type !== scope.type) return false;
  if (scope.userId && r.user_id !== scope.userId) return false;
  const from = Date.parse(`${r.valid_from.replace(' ', 'T')}Z`);
  const until = r.valid_until ? Date.parse(`${r.valid_until.replace(' ', 'T')}Z`) : null;
  return from <= scope.atMs && (until === null || until > scope.atMs);
}

export interface HybridInput {
  db: TelemetryDb;
  scope: SearchScope;
  q: string;
  /** The model's table and the query's vector; null: keyword match alone (the embedding model failed). */
  semantic: { table: string; vector: Float32Array } | null;
  /** Said in every hit's why (e.g. that the embedding model failed). */
  note?: string;
}

/**
 * Hybrid search: candidates by meaning (the index) and by words (the text index), each item's
 * newest version read with FINAL and checked against the filters, and a combined score:
 * SEMANTIC_WEIGHT x cosine similarity + KEYWORD_WEIGHT x share of the query's words it holds.
 */
export async function hybridSearch({ db, scope, q, semantic, note }: HybridInput): Promise<ContextSearchHit[]> {
  const words = queryWords(q);
  const pool = Math.max(scope.limit * 3, 20);
  const [similar, worded] = await Promise.all([semantic ? nearest(db, semantic.table, semantic.vector, scope, pool) : Promise.resolve(new Map<string, Similar>()), byWords(db, words, scope, pool)]);
  const onlyWorded = worded.filter((w) => !similar.has(w.id));
  if (semantic) for (const [id, s] of await similarities(db, semantic.table, semantic.vector, scope.organizationId, onlyWorded)) similar.set(id, s);
  const ids = [...new Set([...similar.keys(), ...worded.map((w) => w.id)])];
  const items = await itemsById(db, scope.organizationId, ids, [...[...similar.values()].map((s) => s.agent), ...worded.map((w) => w.agent_id)]);
  const hits: ContextSearchHit[] = [];
  for (const r of items.values()) {
    if (!passes(r, scope)) continue;
    const s = similar.get(r.id);
    // A vector of older content is no measure of this content.
    const sim = s && s.hash === textHash(r.content) ? Math.round(s.sim * 10_000) / 10_000 : null;
    const shared = sharedWords(words, r.content);
    const keyword = words.words.length === 0 ? 0 : Math.round((shared.length / words.words.length) * 10_000) / 10_000;
    if (sim === null && keyword === 0) continue;
    const score = Math.round((SEMANTIC_WEIGHT * Math.max(0, sim ?? 0) + KEYWORD_WEIGHT * keyword) * 10_000) / 10_000;
    hits.push({ item: toContext(r), score, semantic: sim, keyword, why: whyOf(sim, shared, note) });
  }
  hits.sort((a, b) => b.score - a.score || (b.semantic ?? -1) - (a.semantic ?? -1) || a.item.id.localeCompare(b.item.id));
  return hits.slice(0, scope.limit);
}
