import type { ContextSearchHit, ContextType } from '@ai-arm/schemas';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { iso, millisText } from '../../stores/clickhouse/time-text';
import { ITEM_COLUMNS, toContext, type ItemRow } from '../items/rows';
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
  uid: string;
  hash: string;
  ver: number;
  /** 'n': cosine distance; 'w': how many of the query's words the item holds. */
  dist: number;
}

/**
 * Keeps, per item, the row of its newest version, nearest first. A row the index did not find
 * (read beside its hits, with a placeholder distance far above cosine's 2) is no neighbour.
 */
function newest(rows: readonly Candidate[]): Map<string, Similar> {
  const out = new Map<string, Similar>();
  for (const r of rows) {
    if (!(Number(r.dist) <= 2)) continue;
    const seen = out.get(r.cid);
    if (!seen || Number(r.ver) > seen.version) out.set(r.cid, { agent: r.aid, sim: 1 - Number(r.dist), hash: r.hash, version: Number(r.ver) });
  }
  return new Map([...out].sort((a, b) => b[1].sim - a[1].sim));
}

/**
 * Nearest items by the HNSW index of the model's table, with every filter inside the query: the
 * organisation and agent pick the partitions (one graph per agent), and type, validity,
 * superseded and deleted filter the index's answer, which fetches `multiplier` times the
 * neighbours asked for so enough survive. The distance is the index's own (no rescoring): the
 * vectors themselves are never read.
 */
function nearestSql(table: string, scope: SearchScope, n: number): { sql: string; params: Record<string, unknown> } {
  const f = filters(scope, 'superseded = 0');
  return {
    sql: `SELECT 'n' AS src, item_id AS cid, agent_id AS aid, user_id AS uid, toString(text_hash) AS hash, version AS ver, cosineDistance(embedding, {v:Array(Float32)}) AS dist
            FROM {db:Identifier}.${table}
           WHERE ${f.where}
           ORDER BY dist LIMIT ${n}`,
    params: f.params,
  };
}

/**
 * Items holding the most of the query's words (any of their forms), answered by context_items'
 * text index alone: each word's hasAnyTokens stands both in the filter and in the count that
 * ranks, so ClickHouse reads both from the index's postings and never the content (ranking by
 * the content's own tokens read and split every matching row: most granules hold a common word).
 */
function wordsSql(words: QueryWords, scope: SearchScope, n: number): { sql: string; params: Record<string, unknown> } {
  const f = filters(scope, "superseded_by = ''");
  const has = words.forms.map((_, i) => `hasAnyTokens(content, {w${i}:Array(String)})`);
  return {
    sql: `SELECT 'w' AS src, id AS cid, agent_id AS aid, user_id AS uid, '' AS hash, version AS ver, toFloat64(${has.map((h) => `toUInt8(${h})`).join(' + ')}) AS dist
            FROM {db:Identifier}.context_items
           WHERE ${f.where} AND (${has.join(' OR ')})
           ORDER BY dist DESC, version DESC
           LIMIT 1 BY id
           LIMIT ${n}`,
    params: { ...f.params, ...Object.fromEntries(words.forms.map((fs, i) => [`w${i}`, fs])) },
  };
}

/** How many neighbours the index is asked for: beyond the pool, they give the items found by their words a similarity without reading vectors. */
const NEAR = 100;

interface Candidates {
  /** The nearest items passing the filters, nearest first (up to NEAR). */
  near: Map<string, Similar>;
  worded: Candidate[];
  /**
   * No item passing the filters and missing from `near` is more similar than this: the lowest
   * similarity in a full answer, -Infinity when the answer was exhaustive (an exact search that
   * found fewer), null when unknown (the index's filtered answer came up short).
   */
  floor: number | null;
}

/**
 * The candidates by meaning and by words in one statement (each statement costs a round trip
 * into the engine and a plan). A user's items are a short primary-key range: searched exactly at
 * once. Otherwise, when the index's answer leaves fewer than asked after its filters (a narrow
 * type or validity filter, or a small scope), the index query runs again exactly.
 */
export async function candidates(db: TelemetryDb, scope: SearchScope, words: QueryWords, semantic: { table: string; vector: Float32Array } | null, pool: number): Promise<Candidates> {
  const parts: { sql: string; params: Record<string, unknown> }[] = [];
  // A type filter fetches 8 times the neighbours asked for (most fail it): the pool, not NEAR.
  const n = scope.type ? pool : Math.max(pool, NEAR);
  if (semantic) parts.push(nearestSql(semantic.table, scope, n));
  if (words.words.length > 0) parts.push(wordsSql(words, scope, pool));
  if (parts.length === 0) return { near: new Map(), worded: [], floor: null };
  const v = semantic ? { v: Array.from(semantic.vector) } : {};
  const strategy = (exact: boolean) =>
    exact ? "vector_search_filter_strategy = 'prefilter'" : `vector_search_filter_strategy = 'postfilter', vector_search_index_fetch_multiplier = ${scope.type ? 8 : 2}`;
  let exact = scope.userId !== undefined;
  const rows = await db.query<Candidate>(`${parts.map((p) => p.sql).join('\n UNION ALL \n')}\n SETTINGS ${strategy(exact)}`, Object.assign({}, ...parts.map((p) => p.params), v));
  let near = newest(rows.filter((r) => r.src === 'n'));
  if (semantic && !exact && near.size < scope.limit) {
    const again = nearestSql(semantic.table, scope, n);
    near = newest(await db.query<Candidate>(`${again.sql} SETTINGS ${strategy(true)}`, { ...again.params, ...v }));
    exact = true;
  }
  const floor = near.size >= n ? Math.min(...[...near.values()].map((s) => s.sim)) : exact ? -Infinity : null;
  return { near, worded: rows.filter((r) => r.src === 'w'), floor: semantic ? floor : null };
}

/** Where an item's vector is: the primary key of the model's table. */
interface VectorKey {
  id: string;
  agent: string;
  user: string;
}

/** The newest version of each vector of these items, by their primary key, and its similarity to the query. */
function similaritySql(table: string): string {
  return `SELECT item_id, toString(argMax(text_hash, version)) AS hash, argMax(cosineDistance(embedding, {v:Array(Float32)}), version) AS dist, max(version) AS ver
            FROM {db:Identifier}.${table}
           WHERE organization_id = {org:UUID} AND agent_id IN {vagents:Array(UUID)} AND user_id IN {vusers:Array(String)} AND item_id IN {vids:Array(UUID)} AND deleted = 0
           GROUP BY item_id`;
}

const vectorParams = (keys: readonly VectorKey[], semantic: { vector: Float32Array }) => ({
  vagents: [...new Set(keys.map((k) => k.agent))],
  vusers: [...new Set(keys.map((k) => k.user))],
  vids: keys.map((k) => k.id),
  v: Array.from(semantic.vector),
});

/**
 * The newest version of each candidate, its rows of the candidates' agents newest first (not
 * FINAL: it merges every version of the ranges read, where one row per id is all that is
 * needed); and in the same statement, when `measure` names any, those items' similarity by their
 * stored vector.
 */
async function readCandidates(db: TelemetryDb, scope: SearchScope, ids: readonly string[], agents: readonly string[], measure: readonly VectorKey[], semantic: { table: string; vector: Float32Array } | null): Promise<{ items: ItemRow[]; similar: Map<string, Similar> }> {
  if (ids.length === 0) return { items: [], similar: new Map() };
  const read = `SELECT ${ITEM_COLUMNS} FROM {db:Identifier}.context_items
                 WHERE organization_id = {org:UUID} AND agent_id IN {agents:Array(UUID)} AND id IN {ids:Array(UUID)}
                 ORDER BY version DESC LIMIT 1 BY id`;
  const params = { org: scope.organizationId, agents: [...new Set(agents)], ids };
  if (!semantic || measure.length === 0) return { items: await db.query<ItemRow>(read, params), similar: new Map() };
  type Row = ItemRow & { vhash: string; vdist: number; vver: number };
  const rows = await db.query<Row>(
    `SELECT i.*, s.hash AS vhash, s.dist AS vdist, s.ver AS vver FROM (${read}) AS i LEFT JOIN (${similaritySql(semantic.table)}) AS s ON s.item_id = i.id`,
    { ...params, ...vectorParams(measure, semantic) },
  );
  const similar = new Map<string, Similar>();
  for (const r of rows) if (r.vhash) similar.set(r.id, { agent: r.agent_id, sim: 1 - Number(r.vdist), hash: r.vhash, version: Number(r.vver) });
  return { items: rows, similar };
}

/** The similarity of these items by their stored vector, where neither the index nor the read gave it. */
async function vectorSims(db: TelemetryDb, scope: SearchScope, keys: readonly VectorKey[], semantic: { table: string; vector: Float32Array }): Promise<Map<string, Similar>> {
  const rows = await db.query<{ item_id: string; hash: string; dist: number; ver: number }>(similaritySql(semantic.table), { org: scope.organizationId, ...vectorParams(keys, semantic) });
  const agent = new Map(keys.map((k) => [k.id, k.agent]));
  return new Map(rows.map((r) => [r.item_id, { agent: agent.get(r.item_id)!, sim: 1 - Number(r.dist), hash: r.hash, version: Number(r.ver) }]));
}

/** Whether an item's newest version still answers the search (the index's rows may be older). */
function passes(r: ItemRow, scope: SearchScope): boolean {
  if (Number(r.deleted) !== 0 || r.superseded_by !== '') return false;
  if (scope.agentId && r.agent_id !== scope.agentId) return false;
  if (scope.type && r.type !== scope.type) return false;
  if (scope.userId && r.user_id !== scope.userId) return false;
  const from = Date.parse(iso(r.valid_from_at));
  const until = r.valid_until_at ? Date.parse(iso(r.valid_until_at)) : null;
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
 * newest version read and checked against the filters, and a combined score:
 * SEMANTIC_WEIGHT x cosine similarity + KEYWORD_WEIGHT x share of the query's words it holds.
 * An item found by its words alone gets its similarity from the index's wider answer; when it is
 * not there either, no item outside that answer is more similar than its floor, so its stored
 * vector is read only if the floor and its words could still rank it among the first `limit`
 * (with the items when the candidates' scores say so, else in a statement of its own when the
 * items read say so). Reading every such vector read whole parts of the table at volume.
 */
export async function hybridSearch({ db, scope, q, semantic, note }: HybridInput): Promise<ContextSearchHit[]> {
  const words = queryWords(q);
  const share = (n: number) => n / Math.max(1, words.words.length);
  const pool = Math.max(scope.limit * 3, 20);
  const { near, worded, floor } = await candidates(db, scope, words, semantic, pool);
  const first = [...near.keys()].slice(0, pool);
  const ids = [...new Set([...first, ...worded.map((w) => w.cid)])];
  const agents = [...first.map((id) => near.get(id)!.agent), ...worded.map((w) => w.aid)];
  // The best an item found by its words alone could score; the bar: the limit-th best score.
  const best = (wordShare: number) => SEMANTIC_WEIGHT * (floor === null ? 1 : Math.max(0, floor)) + KEYWORD_WEIGHT * wordShare;
  const barOf = (scores: number[]) => (scores.length >= scope.limit ? scores.sort((x, y) => y - x)[scope.limit - 1]! : null);
  const counts = new Map(worded.map((w) => [w.cid, Number(w.dist)]));
  const guess = barOf(ids.filter((id) => near.has(id)).map((id) => SEMANTIC_WEIGHT * Math.max(0, near.get(id)!.sim) + KEYWORD_WEIGHT * share(counts.get(id) ?? 0)));
  const measure = semantic ? worded.filter((w) => !near.has(w.cid) && (guess === null || best(share(Number(w.dist))) >= guess)).map((w) => ({ id: w.cid, agent: w.aid, user: w.uid })) : [];
  const read = await readCandidates(db, scope, ids, agents, measure, semantic);
  const measured = new Set(measure.map((m) => m.id));
  const items = read.items.filter((r) => passes(r, scope));
  const score = (r: ItemRow, s: Similar | undefined): ContextSearchHit | null => {
    // A vector of older content is no measure of this content.
    const sim = s && s.hash === textHash(r.content) ? Math.round(s.sim * 10_000) / 10_000 : null;
    const shared = sharedWords(words, r.content);
    const keyword = words.words.length === 0 ? 0 : Math.round(share(shared.length) * 10_000) / 10_000;
    if (sim === null && keyword === 0) return null;
    const total = Math.round((SEMANTIC_WEIGHT * Math.max(0, sim ?? 0) + KEYWORD_WEIGHT * keyword) * 10_000) / 10_000;
    return { item: toContext(r), score: total, semantic: sim, keyword, why: whyOf(sim, shared, note) };
  };
  const order = (a: ContextSearchHit, b: ContextSearchHit) => b.score - a.score || (b.semantic ?? -1) - (a.semantic ?? -1) || a.item.id.localeCompare(b.item.id);
  const unmeasured = semantic ? items.filter((r) => !near.has(r.id) && !measured.has(r.id)) : [];
  const hits = items.filter((r) => !unmeasured.includes(r)).map((r) => score(r, near.get(r.id) ?? read.similar.get(r.id)));
  if (unmeasured.length > 0) {
    const bar = barOf(hits.flatMap((h) => (h ? [h.score] : [])));
    const left = unmeasured.filter((r) => bar === null || best(share(sharedWords(words, r.content).length)) >= bar);
    const sims = left.length > 0 ? await vectorSims(db, scope, left.map((r) => ({ id: r.id, agent: r.agent_id, user: r.user_id })), semantic!) : new Map<string, Similar>();
    for (const r of left) hits.push(score(r, sims.get(r.id)));
  }
  return hits.filter((h): h is ContextSearchHit => h !== null).sort(order).slice(0, scope.limit);
}
