import type { ContextSearchHit, ContextType } from '@ai-arm/schemas';
import { millisText } from '../../interactions/rows';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { ITEM_COLUMNS, itemsById, toContext, type ItemRow } from './items';
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

interface Candidate {
  src: 'n' | 'w';
  cid: string;
  aid: string;
  hash: string;
  ver: number;
  dist: number;
}

/** Keeps, per item, the row of its newest version. */
function newest(rows: readonly Candidate[]): Map<string, Similar> {
  const out = new Map<string, Similar>();
  for (const r of rows) {
    const seen = out.get(r.cid);
    if (!seen || Number(r.ver) > seen.version) out.set(r.cid, { agent: r.aid, sim: 1 - Number(r.dist), hash: r.hash, version: Number(r.ver) });
  }
  return out;
}

/**
 * Nearest items by the HNSW index of the model's table, with every filter inside the query: the
 * organisation and agent pick the partitions (one graph per agent), a user is a primary-key range
 * (which ClickHouse searches exactly when it is narrower than the part), and type, validity, superseded and deleted filter the
 * index's answer, which fetches `multiplier` times the neighbours asked for so enough survive.
 */
function nearestSql(table: string, scope: SearchScope, pool: number): { sql: string; params: Record<string, unknown> } {
  const f = filters(scope, 'superseded = 0');
  return {
    sql: `SELECT 'n' AS src, item_id AS cid, agent_id AS aid, toString(text_hash) AS hash, version AS ver, cosineDistance(embedding, {v:Array(Float32)}) AS dist
            FROM {db:Identifier}.${table}
           WHERE ${f.where}
           ORDER BY dist LIMIT ${pool}`,
    params: f.params,
  };
}

/**
 * Items holding the most of the query's words (any of their forms), through context_items' text
 * index: hasAnyTokens reads only granules with one of the words; the count of words each item
 * holds ranks them.
 */
function wordsSql(words: QueryWords, scope: SearchScope, pool: number): { sql: string; params: Record<string, unknown> } {
  const f = filters(scope, "superseded_by = ''");
  return {
    sql: `SELECT 'w' AS src, id AS cid, agent_id AS aid, '' AS hash, toUInt64(0) AS ver, toFloat64(0) AS dist
            FROM {db:Identifier}.context_items
           WHERE ${f.where} AND hasAnyTokens(content, {forms:Array(String)})
           ORDER BY arrayCount(fs -> hasAny(tokens(lower(content)), fs), {groups:Array(Array(String))}) DESC, version DESC
           LIMIT 1 BY id
           LIMIT ${pool}`,
    params: { ...f.params, groups: words.forms, forms: [...new Set(words.forms.flat())] },
  };
}

/**
 * The candidates by meaning and by words in one statement (each statement costs a round trip
 * into the engine). When the index's answer leaves fewer than asked after its filters (a narrow
 * type, validity or user filter, or a small scope), the index query runs again exactly over the
 * filtered rows (`prefilter`). A user's primary-key range narrower than a part is searched exactly
 * the first time; within a part's single granule the index answers and the user filters after it.
 */
export async function candidates(db: TelemetryDb, scope: SearchScope, words: QueryWords, semantic: { table: string; vector: Float32Array } | null, pool: number): Promise<{ near: Map<string, Similar>; worded: Candidate[] }> {
  const parts: { sql: string; params: Record<string, unknown> }[] = [];
  if (semantic) parts.push(nearestSql(semantic.table, scope, pool));
  if (words.words.length > 0) parts.push(wordsSql(words, scope, pool));
  if (parts.length === 0) return { near: new Map(), worded: [] };
  const v = semantic ? { v: Array.from(semantic.vector) } : {};
  const multiplier = scope.type ? 8 : 2;
  const rows = await db.query<Candidate>(
    `${parts.map((p) => p.sql).join('\n UNION ALL \n')}
     SETTINGS vector_search_filter_strategy = 'postfilter', vector_search_index_fetch_multiplier = ${multiplier}`,
    Object.assign({}, ...parts.map((p) => p.params), v),
  );
  let near = newest(rows.filter((r) => r.src === 'n'));
  if (semantic && near.size < scope.limit) {
    const exact = nearestSql(semantic.table, scope, pool);
    near = newest(await db.query<Candidate>(`${exact.sql} SETTINGS vector_search_filter_strategy = 'prefilter'`, { ...exact.params, ...v }));
  }
  return { near, worded: rows.filter((r) => r.src === 'w') };
}

/**
 * The newest version of each candidate (context_items FINAL, narrowed to the candidates' agents)
 * and, for those found by their words alone, their similarity from their stored vector (the
 * newest version's), in one statement.
 */
async function readCandidates(db: TelemetryDb, scope: SearchScope, ids: string[], agents: string[], wordedOnly: Candidate[], semantic: { table: string; vector: Float32Array } | null): Promise<{ items: ItemRow[]; similar: Map<string, Similar> }> {
  if (!semantic || wordedOnly.length === 0) return { items: [...(await itemsById(db, scope.organizationId, ids, agents)).values()], similar: new Map() };
  type Row = ItemRow & { vhash: string; vdist: number; vver: number };
  const rows = await db.query<Row>(
    `SELECT i.*, s.hash AS vhash, s.dist AS vdist, s.ver AS vver
       FROM (SELECT ${ITEM_COLUMNS} FROM {db:Identifier}.context_items FINAL
              WHERE organization_id = {org:UUID} AND agent_id IN {agents:Array(UUID)} AND id IN {ids:Array(UUID)}) AS i
       LEFT JOIN (SELECT item_id, toString(argMax(text_hash, version)) AS hash, argMax(cosineDistance(embedding, {v:Array(Float32)}), version) AS dist, max(version) AS ver
                    FROM {db:Identifier}.${semantic.table}
                   WHERE organization_id = {org:UUID} AND agent_id IN {wagents:Array(UUID)} AND item_id IN {wids:Array(UUID)} AND deleted = 0
                   GROUP BY item_id) AS s ON s.item_id = i.id`,
    { org: scope.organizationId, agents: [...new Set(agents)], ids, wagents: [...new Set(wordedOnly.map((w) => w.aid))], wids: wordedOnly.map((w) => w.cid), v: Array.from(semantic.vector) },
  );
  const similar = new Map<string, Similar>();
  for (const r of rows) if (r.vhash) similar.set(r.id, { agent: r.agent_id, sim: 1 - Number(r.vdist), hash: r.vhash, version: Number(r.vver) });
  return { items: rows, similar };
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
  const { near, worded } = await candidates(db, scope, words, semantic, pool);
  const wordedOnly = worded.filter((w) => !near.has(w.cid));
  const ids = [...new Set([...near.keys(), ...worded.map((w) => w.cid)])];
  if (ids.length === 0) return [];
  const read = await readCandidates(db, scope, ids, [...[...near.values()].map((s) => s.agent), ...worded.map((w) => w.aid)], wordedOnly, semantic);
  const similar = new Map([...near, ...read.similar]);
  const items = new Map(read.items.map((r) => [r.id, r]));
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
