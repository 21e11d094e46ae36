import type { Context } from '@ai-arm/schemas';
import { ContextIndex } from '../../src/context/index/service';
import type { Embedder } from '../../src/embeddings/embedder';
import { miniLm } from '../../src/embeddings/minilm';
import { storeConnection } from '../../src/poller/stored-connections';
import { CredentialVault } from '../../src/security/envelope-crypto';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { openStores, type Stores } from '../../src/stores';
import { asTenant } from '../../src/stores/tenant-scope';
import { quietLogger, testConfig, testMetrics } from '../support/stores';
import { systemDb, systemTelemetry } from '../support/system-db';
import { item, putItems } from './index-support';

const MASTER_KEY = 'e'.repeat(64);
const DAY = 86_400_000;

/** The vector index on real chdb and PGlite with the real MiniLM (loaded once) and, for OpenAI embeddings, the simulator through the SDK. */
describe('the context index (real chdb, MiniLM, the simulator)', () => {
  let stores: Stores;
  let index: ContextIndex;
  let sim: Simulator;
  let orgA: string;
  let orgB: string;
  let orgO: string;
  const agents: Record<string, string> = {};
  /** Texts MiniLM was asked to embed: the real model, counted. */
  const embedded: string[] = [];
  const counting: Embedder = { model: miniLm.model, dimensions: miniLm.dimensions, embed: (texts) => (embedded.push(...texts), miniLm.embed(texts)) };

  const put = async (org: string, items: Context[], o: { deleted?: boolean } = {}) => {
    await putItems(stores.telemetry, org, items, o);
    await index.changed(org, items);
  };
  const search = (org: string, q: string, over: object = {}) => index.search(org, { q, limit: 5, ...over });
  const vectorRows = (table: string, org: string) =>
    systemTelemetry(stores.telemetry).query<{ item_id: string; user_id: string; type: string; deleted: number; superseded: number; n: number; dims: number }>(
      `SELECT item_id, user_id, type, deleted, superseded, count() OVER (PARTITION BY item_id) AS n, length(embedding) AS dims FROM {db:Identifier}.${table} WHERE organization_id = {org:UUID} ORDER BY version`,
      { org },
    );

  beforeAll(async () => {
    sim = await startSimulator({ now: Math.floor(Date.now() / 1000), agents: 2 });
    stores = await openStores(testConfig(), testMetrics().metrics, quietLogger());
    const vault = new CredentialVault(stores.controlPlane, Buffer.from(MASTER_KEY, 'hex'));
    index = new ContextIndex({ controlPlane: stores.controlPlane, telemetry: stores.telemetry, vault, log: quietLogger(), embedder: counting });
    const org = async (slug: string) => (await systemDb(stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [`${slug}-${Date.now()}`]))[0]!.id;
    const agent = async (o: string, name: string) => (agents[name] = (await systemDb(stores.controlPlane).query<{ id: string }>("INSERT INTO agents (organization_id, vendor, vendor_agent_id, name) VALUES ($1, 'CUSTOM', $2, $2) RETURNING id", [o, name]))[0]!.id);
    orgA = await org('idx-a');
    orgB = await org('idx-b');
    orgO = await org('idx-openai');
    await agent(orgA, 'support');
    await agent(orgA, 'sales');
    await agent(orgB, 'other');
    await agent(orgO, 'openai-bot');
    const connectionId = await storeConnection(stores.controlPlane, vault, { organizationId: orgO, vendor: 'OPENAI', name: 'embeddings', adminKey: sim.state.opts.keys.openaiAdmin, baseUrl: sim.openaiBaseUrl });
    await systemDb(stores.controlPlane).query("INSERT INTO context_settings (organization_id, embeddings, updated_by) VALUES ($1, $2, 'test')", [orgO, JSON.stringify({ connectionId, model: 'text-embedding-3-small' })]);
  }, 60_000);
  afterAll(async () => {
    await index.close();
    await stores.close();
    await sim.close();
  });

  it('embeds new items, finds them by meaning and by words, and says why', async () => {
    const refund = item(agents.support!, 'Refunds go back to the original card within five business days.');
    const tz = item(agents.support!, 'The customer is based in Lisbon and works night shifts.');
    await put(orgA, [refund, tz]);
    expect(embedded).toEqual(expect.arrayContaining([refund.content, tz.content]));
    const r = await search(orgA, 'how long until my money returns to my credit card?');
    expect(r.embeddingModel).toBe('all-MiniLM-L6-v2');
    expect(r.queryEmbeddingMs).toBeGreaterThan(0);
    expect(r.hits[0]!.item.id).toBe(refund.id);
    expect(r.hits[0]!.semantic).toBeGreaterThan(0.3);
    // The query's words (stop words left out): long, until, money, returns, credit, card; the item holds card.
    expect(r.hits[0]!.keyword).toBeCloseTo(1 / 6, 4);
    expect(r.hits[0]!.why).toMatch(/similar in meaning \(0\.\d\d\); shares the word card/);
    expect(r.hits[0]!.item).toMatchObject({ id: refund.id, content: refund.content, agentId: agents.support, type: 'FACT', userId: null });
    // A word no vector knows (an order number) is found by the keyword half.
    const order = item(agents.support!, 'Order QX-55213 was sent to the warehouse in Porto.');
    await put(orgA, [order]);
    const byWord = await search(orgA, 'QX-55213');
    expect(byWord.hits[0]!.item.id).toBe(order.id);
    expect(byWord.hits[0]!.keyword).toBe(1);
    expect(byWord.hits[0]!.why).toContain('shares the words qx, 55213');
  }, 60_000);

  it('re-embeds only when the content changes; other changes rewrite the filters with the same vector', async () => {
    const pref = item(agents.support!, 'Prefers answers in short bullet points.', { type: 'PREFERENCE', key: 'format', userId: 'u-7' });
    await put(orgA, [pref]);
    const before = embedded.length;
    // Type, validity and tags change: no embedding, a new version of the row.
    const retyped = { ...pref, type: 'INSTRUCTION' as const, tags: ['style'] };
    await put(orgA, [retyped]);
    expect(embedded.slice(before)).not.toContain(pref.content);
    let rows = (await vectorRows('context_vectors_minilm_l6_v2_384', orgA)).filter((x) => x.item_id === pref.id);
    expect(rows.map((x) => x.type)).toEqual(['PREFERENCE', 'INSTRUCTION']);
    expect((await search(orgA, 'bullet points', { type: 'INSTRUCTION' })).hits.map((h) => h.item.id)).toContain(pref.id);
    expect((await search(orgA, 'bullet points', { type: 'PREFERENCE' })).hits.map((h) => h.item.id)).not.toContain(pref.id);
    // The same change again writes nothing.
    await put(orgA, [retyped]);
    expect((await vectorRows('context_vectors_minilm_l6_v2_384', orgA)).filter((x) => x.item_id === pref.id)).toHaveLength(2);
    // New content: embedded again, and the old vector no longer speaks for the item.
    const reworded = { ...retyped, content: 'Wants every reply written in Portuguese.' };
    await put(orgA, [reworded]);
    expect(embedded.slice(before).filter((t) => t === pref.content || t === reworded.content)).toEqual([reworded.content]);
    const r = await search(orgA, 'reply language Portuguese', { agentId: agents.support });
    expect(r.hits[0]!.item).toMatchObject({ id: pref.id, content: reworded.content });
    const stale = await search(orgA, 'short bullet points', { userId: 'u-7' });
    expect(stale.hits.find((h) => h.item.id === pref.id)?.semantic ?? 0).toBeLessThan(0.5);
    // The user changes: the row under the old user is marked deleted.
    const mark = embedded.length;
    await put(orgA, [{ ...reworded, userId: 'u-8' }]);
    expect(embedded.length).toBe(mark);
    rows = (await vectorRows('context_vectors_minilm_l6_v2_384', orgA)).filter((x) => x.item_id === pref.id);
    expect(rows.filter((x) => x.user_id === 'u-7').at(-1)!.deleted).toBe(1);
    expect((await search(orgA, 'reply in Portuguese', { userId: 'u-7' })).hits.map((h) => h.item.id)).not.toContain(pref.id);
    expect((await search(orgA, 'reply in Portuguese', { userId: 'u-8' })).hits[0]!.item.id).toBe(pref.id);
  }, 60_000);

  it('applies agent, type, user and validity filters and leaves superseded and deleted items out', async () => {
    const now = Date.now();
    const a = item(agents.sales!, 'The customer wants to upgrade to the enterprise plan next quarter.', { type: 'INTENT', userId: 'buyer-1', validFrom: new Date(now - 2 * DAY).toISOString() });
    const expired = item(agents.sales!, 'The customer wants a discount on the enterprise plan until March.', { type: 'INTENT', userId: 'buyer-1', validFrom: new Date(now - 30 * DAY).toISOString(), validUntil: new Date(now - DAY).toISOString() });
    const future = item(agents.sales!, 'The customer wants an enterprise plan trial starting next year.', { type: 'INTENT', userId: 'buyer-1', validFrom: new Date(now + 30 * DAY).toISOString() });
    const old = item(agents.sales!, 'The customer wants the enterprise plan billed monthly.', { type: 'PREFERENCE', userId: 'buyer-1', key: 'billing' });
    const gone = item(agents.sales!, 'The customer wants enterprise plan invoices in euros.', { type: 'FACT', userId: 'buyer-1' });
    await put(orgA, [a, expired, future, old, gone]);
    const ids = async (over: object) => (await search(orgA, 'enterprise plan', { limit: 10, ...over })).hits.map((h) => h.item.id);
    expect(await ids({ agentId: agents.sales })).toEqual(expect.arrayContaining([a.id, old.id, gone.id]));
    expect(await ids({ agentId: agents.sales })).not.toEqual(expect.arrayContaining([expired.id]));
    expect(await ids({ agentId: agents.sales })).not.toContain(future.id);
    expect(await ids({ agentId: agents.support })).not.toContain(a.id);
    expect(await ids({ type: 'INTENT' })).toEqual([a.id]);
    expect(await ids({ userId: 'buyer-2' })).toEqual([]);
    // validAt picks what was valid then.
    expect(await ids({ type: 'INTENT', validAt: new Date(now - 10 * DAY).toISOString() })).toEqual([expired.id]);
    expect(await ids({ type: 'INTENT', validAt: new Date(now + 40 * DAY).toISOString() })).toEqual(expect.arrayContaining([a.id, future.id]));
    // Superseded by a newer preference, and deleted: left out.
    const newer = item(agents.sales!, 'The customer wants the enterprise plan billed yearly.', { type: 'PREFERENCE', userId: 'buyer-1', key: 'billing' });
    await put(orgA, [newer, { ...old, supersededBy: newer.id }]);
    await put(orgA, [gone], { deleted: true });
    const after = await ids({ agentId: agents.sales });
    expect(after).toContain(newer.id);
    expect(after).not.toContain(old.id);
    expect(after).not.toContain(gone.id);
    const rows = await vectorRows('context_vectors_minilm_l6_v2_384', orgA);
    expect(rows.filter((x) => x.item_id === old.id).at(-1)!.superseded).toBe(1);
    expect(rows.filter((x) => x.item_id === gone.id).at(-1)!.deleted).toBe(1);
  }, 60_000);

  it('keeps organisations apart', async () => {
    const secret = item(agents.other!, 'Refunds go back to the original card within five business days.');
    await put(orgB, [secret]);
    const a = await search(orgA, 'refund to the original card');
    expect(a.hits.length).toBeGreaterThan(0);
    expect(a.hits.map((h) => h.item.id)).not.toContain(secret.id);
    expect((await search(orgB, 'refund to the original card')).hits.map((h) => h.item.id)).toEqual([secret.id]);
    // An organisation cannot be asked about another's agent: no hits, not an error.
    expect((await search(orgB, 'refund', { agentId: agents.support })).hits).toEqual([]);
    // Nor can code acting for one write vectors as another.
    await expect(asTenant(orgA, () => index.changed(orgB, [secret]))).rejects.toThrow(/tried to act for/);
  }, 60_000);

  it("embeds with the organisation's OpenAI model through the SDK into the 1536-d table, never the 384-d one", async () => {
    const x = item(agents['openai-bot']!, 'The warehouse ships orders every Tuesday from Rotterdam.');
    const y = item(agents['openai-bot']!, 'Support hours are nine to five on weekdays.');
    await put(orgO, [x, y]);
    expect(embedded).not.toContain(x.content);
    const wide = await vectorRows('context_vectors_openai_te3s_1536', orgO);
    expect(wide.map((r) => [r.item_id, r.dims])).toEqual(expect.arrayContaining([[x.id, 1536], [y.id, 1536]]));
    expect(await vectorRows('context_vectors_minilm_l6_v2_384', orgO)).toEqual([]);
    const r = await search(orgO, 'when do orders ship from the warehouse');
    expect(r.embeddingModel).toBe('text-embedding-3-small');
    expect(r.hits[0]!.item.id).toBe(x.id);
    expect(r.hits[0]!.semantic).toBeGreaterThan(0.2);
    // And MiniLM's table holds no vector of theirs, nor theirs any of orgA's.
    expect((await vectorRows('context_vectors_openai_te3s_1536', orgA))).toEqual([]);
  }, 60_000);
});
