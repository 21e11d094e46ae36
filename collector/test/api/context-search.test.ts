import { ensureBootstrapKey } from '../../src/auth/bootstrap';
import { randomToken } from '../../src/auth/tokens';
import { systemDb } from '../support/system-db';
import { item, putItems } from '../context/index-support';
import { authedApp } from './support';

/** GET /api/v1/context/search through the app (real auth, chdb, PGlite, MiniLM): bad input in plain words, every role, organisations apart. */
describe('context search over the API', () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let keys: Record<string, string>;
  let keyB: string;
  let orgB: string;
  let agent: string;
  const refund = () => item(agent, 'Refunds go back to the original card within five business days.');
  const get = (key: string, query: string) => t.call(key, { url: `/api/v1/context/search?${query}` });

  beforeAll(async () => {
    t = await authedApp();
    keys = { admin: t.admin, member: await t.key('member'), viewer: await t.key('viewer') };
    const slug = `ctx-b-${randomToken().slice(0, 8).toLowerCase()}`;
    orgB = (await systemDb(t.stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [slug]))[0]!.id;
    keyB = `arm_sk_live_${randomToken()}`;
    await ensureBootstrapKey(t.stores.controlPlane, orgB, keyB);
    agent = (await systemDb(t.stores.controlPlane).query<{ id: string }>("INSERT INTO agents (organization_id, vendor, vendor_agent_id, name) VALUES ($1, 'CUSTOM', 'bot', 'bot') RETURNING id", [t.org]))[0]!.id;
  }, 60_000);
  afterAll(() => t.close());

  it('refuses an empty or blank q, a limit out of range, an unknown type and other bad filters, in plain words', async () => {
    for (const [query, field] of [
      ['q=', 'q'],
      ['limit=3', 'q'],
      ['q=refund&limit=0', 'limit'],
      ['q=refund&limit=51', 'limit'],
      ['q=refund&type=OPINION', 'type'],
      ['q=refund&agentId=not-a-uuid', 'agentId'],
      ['q=refund&validAt=yesterday', 'validAt'],
      ['q=refund&colour=red', 'colour'],
      [`q=${'x'.repeat(1001)}`, 'q'],
    ] as const) {
      const r = await get(t.admin, query);
      expect({ query, status: r.status }).toEqual({ query, status: 400 });
      expect(r.body).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', message: expect.stringContaining(field) } });
    }
    const blank = await get(t.admin, 'q=%20%20');
    expect(blank.status).toBe(400);
    expect(blank.body.error).toEqual({ code: 'VALIDATION_ERROR', message: 'q must hold something to look for, not only spaces', details: { field: 'querystring/q' } });
    expect((await t.call(null, { url: '/api/v1/context/search?q=refund' })).status).toBe(401);
  });

  it('answers every role with hits, scores and why they matched', async () => {
    // Added through the API: ContextStore hands them to the index, which embeds them.
    const add = async (content: string) => {
      const r = await t.call(keys.member!, { method: 'POST', url: '/api/v1/context', payload: { agentId: agent, type: 'FACT', content } });
      expect(r.status).toBe(201);
      return r.body.data.id as string;
    };
    const refundId = await add('Refunds go back to the original card within five business days.');
    await add('The customer is based in Lisbon and works night shifts.');
    // Written beside the store (no vector): found by its words alone.
    const bare = item(agent, 'Gift cards cannot be exchanged for cash.');
    await putItems(t.stores.telemetry, t.org, [bare]);
    for (const role of ['admin', 'member', 'viewer']) {
      // The query's words: money, back, card.
      const r = await get(keys[role]!, `q=${encodeURIComponent('money back to my card')}&limit=3&agentId=${agent}`);
      expect({ role, status: r.status }).toEqual({ role, status: 200 });
      expect(r.body.data).toMatchObject({ embeddingModel: 'all-MiniLM-L6-v2', queryEmbeddingMs: expect.any(Number), searchMs: expect.any(Number) });
      const [first, ...rest] = r.body.data.hits;
      expect(first).toMatchObject({ item: { id: refundId, type: 'FACT', agentId: agent }, keyword: 0.6667, why: expect.stringMatching(/^similar in meaning \(0\.\d\d\); shares the words back, card$/) });
      expect(first.semantic).toBeGreaterThan(0.4);
      expect(first.score).toBeCloseTo(0.7 * first.semantic + 0.3 * 0.6667, 3);
      expect(rest.find((h: { item: { id: string } }) => h.item.id === bare.id)).toMatchObject({ semantic: null, keyword: 0.3333, why: 'no vector for it yet (keyword match only); shares the word card' });
    }
    // Filters reach the query: another type, or a time before the items were valid, finds nothing.
    expect((await get(t.admin, 'q=refund&type=PREFERENCE')).body.data.hits).toEqual([]);
    expect((await get(t.admin, 'q=refund&validAt=2000-01-01T00:00:00Z')).body.data.hits).toEqual([]);
  }, 60_000);

  it('keeps organisations apart', async () => {
    const mine = refund();
    await putItems(t.stores.telemetry, orgB, [{ ...mine, agentId: agent }]);
    const b = await get(keyB, `q=refund&agentId=${agent}`);
    expect(b.status).toBe(200);
    expect(b.body.data.hits.map((h: { item: { id: string } }) => h.item.id)).toEqual([mine.id]);
    const a = await get(t.admin, 'q=refund&limit=50');
    expect(a.body.data.hits.map((h: { item: { id: string } }) => h.item.id)).not.toContain(mine.id);
  }, 60_000);
});
