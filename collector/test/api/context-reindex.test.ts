import type { ContextReindexStatus, ContextSearchResult } from '@ai-arm/schemas';
import { storeConnection } from '../../src/poller/stored-connections';
import { CredentialVault } from '../../src/security/envelope-crypto';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { asTenant } from '../../src/stores/tenant-scope';
import { item, putItems } from '../context/index-support';
import { systemDb } from '../support/system-db';
import { until } from '../support/wait';
import { authedApp } from './support';

const MASTER_KEY = 'f'.repeat(64);

/**
 * /api/v1/context/reindex on real chdb and PGlite, MiniLM and the simulator's OpenAI embeddings:
 * items left without vectors are given them, a change of embedding model embeds everything again
 * into the new model's table, and an organisation's run touches no other's items.
 */
describe('context reindex over the API', () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let sim: Simulator;
  let viewer: string;
  let member: string;
  let orgB: string;
  let keyB: string;
  let agent: string;
  let agentB: string;

  const status = async (key = t.admin) => (await t.call(key, { url: '/api/v1/context/reindex' })).body.data as ContextReindexStatus;
  const finished = (key = t.admin) => until('the reindex run to end', async () => ((s) => (s.state === 'RUNNING' ? undefined : s))(await status(key)), 60_000);
  const search = async (q: string, key = t.admin) => (await t.call(key, { url: `/api/v1/context/search?q=${encodeURIComponent(q)}&limit=5` })).body.data as ContextSearchResult;
  const newAgent = async (org: string, name: string) => (await systemDb(t.stores.controlPlane).query<{ id: string }>("INSERT INTO agents (organization_id, vendor, vendor_agent_id, name) VALUES ($1, 'CUSTOM', $2, $2) RETURNING id", [org, name]))[0]!.id;

  beforeAll(async () => {
    sim = await startSimulator({ now: Math.floor(Date.now() / 1000), agents: 2 });
    t = await authedApp({ ARM_MASTER_KEY: MASTER_KEY });
    [viewer, member] = [await t.key('viewer'), await t.key('member')];
    ({ id: orgB, key: keyB } = await t.otherOrganization('reindex-b'));
    agent = await newAgent(t.org, 'support');
    agentB = await newAgent(orgB, 'other');
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  it('gives items a shutdown left without vectors theirs, admins only, and finds them by meaning afterwards', async () => {
    // As a shutdown leaves them: in context_items, with no vector (their embedding was not waited for).
    const refund = item(agent, 'Refunds go back to the original card within five business days.');
    const hours = item(agent, 'Support answers the phone from nine to five on weekdays.');
    const theirs = item(agentB, 'Refunds of org B are paid by bank transfer.');
    await putItems(t.stores.telemetry, t.org, [refund, hours]);
    await putItems(t.stores.telemetry, orgB, [theirs]);
    expect(await status(viewer)).toMatchObject({ state: 'IDLE', total: 0, embedded: 0 });
    const before = await search('how long until my money is back on my credit card');
    expect(before.hits.find((h) => h.item.id === refund.id)?.semantic ?? null).toBeNull();

    expect((await t.call(viewer, { method: 'POST', url: '/api/v1/context/reindex' })).status).toBe(403);
    expect((await t.call(member, { method: 'POST', url: '/api/v1/context/reindex' })).status).toBe(403);
    const started = await t.call(t.admin, { method: 'POST', url: '/api/v1/context/reindex' });
    expect(started.status).toBe(202);
    expect(started.body.data).toMatchObject({ state: 'RUNNING', startedAt: expect.any(String) });
    expect(await finished()).toMatchObject({ state: 'DONE', embeddingModel: 'all-MiniLM-L6-v2', total: 2, embedded: 2, error: null, finishedAt: expect.any(String) });
    const after = await search('how long until my money is back on my credit card');
    expect(after.hits[0]!.item.id).toBe(refund.id);
    expect(after.hits[0]!.semantic).toBeGreaterThan(0.3);

    // Nothing is missing now: a second run embeds nothing.
    await t.call(t.admin, { method: 'POST', url: '/api/v1/context/reindex' });
    expect(await finished()).toMatchObject({ state: 'DONE', total: 0, embedded: 0 });
    // The other organisation's item was not touched, and its status is its own.
    expect(await status(keyB)).toMatchObject({ state: 'IDLE' });
    expect((await search('refund by bank transfer', keyB)).hits[0]).toMatchObject({ item: { id: theirs.id }, semantic: null });
  }, 90_000);

  it("embeds every item again into the new model's table when an admin changes the embedding model", async () => {
    const vault = new CredentialVault(t.stores.controlPlane, Buffer.from(MASTER_KEY, 'hex'));
    const connectionId = await asTenant(t.org, () => storeConnection(t.stores.controlPlane, vault, { organizationId: t.org, vendor: 'OPENAI', name: 'embeddings', adminKey: sim.state.opts.keys.openaiAdmin, baseUrl: sim.openaiBaseUrl }));
    const set = await t.call(t.admin, { method: 'PATCH', url: '/api/v1/context/settings', payload: { embeddings: { connectionId, model: 'text-embedding-3-small' } } });
    expect(set.status).toBe(200);
    expect(await finished()).toMatchObject({ state: 'DONE', embeddingModel: 'text-embedding-3-small', total: 2, embedded: 2 });
    const r = await search('when can I call support');
    expect(r.embeddingModel).toBe('text-embedding-3-small');
    expect(r.hits.every((h) => h.semantic !== null)).toBe(true);
    // Back to MiniLM: its vectors are still there and still match the content, so there is nothing to embed.
    await t.call(t.admin, { method: 'PATCH', url: '/api/v1/context/settings', payload: { embeddings: null } });
    expect(await finished()).toMatchObject({ state: 'DONE', embeddingModel: 'all-MiniLM-L6-v2', total: 0, embedded: 0 });
  }, 90_000);

  it('runs by itself when the collector starts listening, for the organisations whose items miss vectors', async () => {
    const late = item(agent, 'Orders ship from the Rotterdam warehouse every Tuesday.');
    await putItems(t.stores.telemetry, t.org, [late]);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const run = await until('a run started at listen', async () => ((s) => (s.total === 1 || s.embedded === 1 ? s : undefined))(await status()), 30_000);
    expect(run.startedAt).not.toBeNull();
    expect(await finished()).toMatchObject({ state: 'DONE', total: 1, embedded: 1 });
    expect((await search('which day do orders ship')).hits[0]).toMatchObject({ item: { id: late.id }, semantic: expect.any(Number) });
    // The other organisation had an item without a vector too: its own run took it.
    expect(await finished(keyB)).toMatchObject({ state: 'DONE', total: 1, embedded: 1 });
  }, 90_000);
});
