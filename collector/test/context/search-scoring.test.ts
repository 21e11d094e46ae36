import { randomUUID } from 'node:crypto';
import { hybridSearch, type SearchScope } from '../../src/context/index/search';
import { textHash } from '../../src/context/index/vectors';
import { openStores, type Stores } from '../../src/stores';
import { asTenant } from '../../src/stores/tenant-scope';
import { quietLogger, testConfig, testMetrics } from '../support/stores';
import { systemDb } from '../support/system-db';
import { item, putItems } from './index-support';
import { millisText } from '../../src/stores/clickhouse/time-text';

const TABLE = 'context_vectors_minilm_l6_v2_384';
const DIMS = 384;

/** A unit vector at cosine `c` to the first axis, leaning towards axis `j` (each item its own). */
function at(c: number, j: number): number[] {
  const v = new Array<number>(DIMS).fill(0);
  v[0] = c;
  v[j] = Math.sqrt(1 - c * c);
  return v;
}

/**
 * Items found by their words alone get their similarity from the index's wider answer or, when
 * they are beyond it and could still rank, from their stored vector; the ones that cannot rank
 * are left unread. Vectors are set by hand (real chdb, real HNSW index) so every score is known.
 */
describe('hybrid search scoring of items found by their words', () => {
  let stores: Stores;
  let org: string;
  const agent = randomUUID();
  const query = at(1, 1);
  // 120 items close in meaning and sharing no word with the query: cosine 0.95 down to 0.593.
  const near = Array.from({ length: 120 }, (_, i) => ({ c: item(agent, `close neighbour number ${i}`), cos: 0.95 - i * 0.003 }));
  // Beyond the index's first 100 neighbours, with both query words: 0.7 x 0.55 + 0.3 = 0.685, the best.
  // (Scores are kept apart by more than the index's bf16 distances blur them.)
  const middling = { c: item(agent, 'the zephyr quokka memo'), cos: 0.55 };
  // Both words and nothing in common: 0.3, below every close neighbour.
  const unrelated = { c: item(agent, 'zephyr quokka'), cos: 0 };
  // One word, another type.
  const otherType = { c: item(agent, 'zephyr notes', { type: 'PREFERENCE' }), cos: 0.55 };
  // One word: 0.7 x 0.45 + 0.15, never among the first 10 while the close neighbours stand.
  const oneWord = { c: item(agent, 'quokka notes'), cos: 0.45 };
  const all = [...near, middling, unrelated, otherType, oneWord];

  beforeAll(async () => {
    stores = await openStores(testConfig(), testMetrics().metrics, quietLogger());
    org = (await systemDb(stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [`scoring-${Date.now()}`]))[0]!.id;
    await putItems(stores.telemetry, org, all.map((a) => a.c));
    await asTenant(org, () =>
      stores.telemetry.insert(
        TABLE,
        all.map((a, n) => ({
          organization_id: org, agent_id: agent, user_id: '', item_id: a.c.id, type: a.c.type, valid_from: millisText(Date.parse(a.c.validFrom)), valid_until: null,
          superseded: 0, deleted: 0, text_hash: textHash(a.c.content), version: n + 1, embedding: at(a.cos, n + 2),
        })),
      ),
    );
  }, 60_000);
  afterAll(() => stores.close());

  const search = (over: Partial<SearchScope>) =>
    asTenant(org, () => hybridSearch({ db: stores.telemetry, scope: { organizationId: org, agentId: agent, atMs: Date.now(), limit: 10, ...over }, q: 'zephyr quokka', semantic: { table: TABLE, vector: Float32Array.from(query) } }));

  it('ranks an item found by its words beyond the nearest 100 by its real similarity', async () => {
    const hits = await search({});
    expect(hits).toHaveLength(10);
    expect(hits[0]!.item.id).toBe(middling.c.id);
    expect(hits[0]!.semantic).toBeCloseTo(0.55, 2);
    expect(hits[0]!.keyword).toBe(1);
    expect(hits.map((h) => h.item.id)).not.toContain(unrelated.c.id);
    expect(hits.slice(1).every((h) => h.keyword === 0 && h.semantic! > 0.88)).toBe(true);
  }, 60_000);

  it('gives every item its similarity when more hits are asked than the scope holds', async () => {
    const hits = await search({ limit: 130 });
    const unrelatedHit = hits.find((h) => h.item.id === unrelated.c.id);
    expect(unrelatedHit?.semantic).toBeCloseTo(0, 2);
    expect(unrelatedHit?.score).toBeCloseTo(0.3, 2);
    expect(hits.map((h) => h.item.id)).toContain(otherType.c.id);
  }, 60_000);

  it('keeps the type filter on items found by their words', async () => {
    const hits = await search({ type: 'PREFERENCE' });
    expect(hits.map((h) => h.item.id)).toEqual([otherType.c.id]);
    expect(hits[0]!.semantic).toBeCloseTo(0.55, 2);
    expect(hits[0]!.keyword).toBe(0.5);
  }, 60_000);

  // Last: it deletes items. Their vectors still say they are live (written later), so the
  // candidates' scores promise a bar the items read do not reach: the rest is measured then.
  it('measures the items found by their words once the items read leave fewer hits than asked', async () => {
    const gone = near.slice(0, 90).map((n) => n.c);
    await putItems(stores.telemetry, org, gone, { deleted: true });
    const hits = await search({});
    const ids = hits.map((h) => h.item.id);
    expect(ids.filter((id) => gone.some((g) => g.id === id))).toEqual([]);
    expect(hits.find((h) => h.item.id === oneWord.c.id)?.semantic).toBeCloseTo(0.45, 2);
    expect(hits.find((h) => h.item.id === otherType.c.id)?.semantic).toBeCloseTo(0.55, 2);
    expect(hits[0]!.item.id).toBe(middling.c.id);
  }, 60_000);
});
