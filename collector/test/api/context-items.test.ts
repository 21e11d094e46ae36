import type { Context, IngestInteraction } from '@ai-arm/schemas';
import { storeConnection } from '../../src/poller/stored-connections';
import { CredentialVault } from '../../src/security/envelope-crypto';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { asTenant } from '../../src/stores/tenant-scope';
import { systemTelemetry } from '../support/system-db';
import { until } from '../support/wait';
import { authedApp } from './support';

const MASTER_KEY = 'e'.repeat(64);
const NIL = '00000000-0000-4000-8000-000000000000';
const at = (ms: number) => new Date(ms).toISOString();

/** /api/v1/context routes on real PGlite and chdb: CRUD, filters, roles, bad input, isolation, extraction from pushed interactions. */
describe('context items over the API', () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let sim: Simulator;
  let viewer: string;
  let member: string;
  let ingestKey: string;
  let keyB: string;
  let agent: string;
  let agentB: string;
  let closed = false;
  const T0 = Date.now() - 3_600_000;

  const chat = (id: string, userText: string | undefined, offsetMs = 0): IngestInteraction => ({
    id, agent: 'support-bot', agentName: 'Support bot', vendor: 'openai', model: 'gpt-4o-mini', startedAt: at(T0 + offsetMs), latencyMs: 700, tokens: { input: 100, output: 20 }, status: 'ok',
    ...(userText ? { content: { input: [{ role: 'user', parts: [{ type: 'text', content: userText }] }], output: [{ role: 'assistant', parts: [{ type: 'text', content: 'Sure.' }] }] } } : {}),
  });
  const push = async (items: IngestInteraction[]) => expect((await t.call(ingestKey, { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions: items } })).status).toBe(200);
  const setCapture = async (on: boolean) => expect((await t.call(t.admin, { method: 'PATCH', url: `/api/v1/organizations/${t.org}`, payload: { contentCapture: on } })).status).toBe(200);
  const list = async (query = '', key = t.admin) => (await t.call(key, { url: `/api/v1/context${query}` })).body.data as Context[];
  const add = (body: object, key = t.admin) => t.call(key, { method: 'POST', url: '/api/v1/context', payload: body });
  const extract = (body: object, key = t.admin) => t.call(key, { method: 'POST', url: '/api/v1/context/extract', payload: body });

  beforeAll(async () => {
    sim = await startSimulator({ now: Math.floor(Date.now() / 1000), agents: 4 });
    t = await authedApp({ ARM_MASTER_KEY: MASTER_KEY });
    [viewer, member, ingestKey] = [await t.key('viewer'), await t.key('member'), await t.key('ingest')];
    const other = await t.otherOrganization('ctx-b');
    const orgB = other.id;
    keyB = other.key;
    agentB = (await t.call(keyB, { method: 'POST', url: '/api/v1/agents', payload: { name: 'B bot' } })).body.data.id as string;
    // Content capture is off: this interaction's words are never kept, in the vault either.
    await push([chat('off-1', 'I live in Berlin. Please answer in French.')]);
    agent = ((await t.call(t.admin, { url: '/api/v1/agents?type=CUSTOM' })).body.data as { id: string; name: string }[]).find((a) => a.name === 'Support bot')!.id;
  });
  afterAll(async () => {
    if (closed) await t.stores.close();
    else await t.close();
    await sim.close();
  });

  it('adds, reads, edits and deletes items; members and admins write, every role reads', async () => {
    expect((await add({ agentId: agent, type: 'FACT', content: 'x' }, viewer)).status).toBe(403);
    const created = await add({ agentId: agent, type: 'PREFERENCE', content: 'Use bullet points', key: 'response_format', userId: 'u-1', tags: ['format'] }, member);
    expect(created.status).toBe(201);
    const item = created.body.data as Context;
    expect(item).toMatchObject({ agentId: agent, type: 'PREFERENCE', key: 'response_format', userId: 'u-1', confidence: 1, mergedCount: 1, source: { type: 'MANUAL' }, supersededBy: null });
    // The same thing added again merges into it (200).
    const again = await add({ agentId: agent, type: 'PREFERENCE', content: 'use bullet points.', key: 'response_format', userId: 'u-1' });
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ id: item.id, mergedCount: 2 });
    expect((await t.call(viewer, { url: `/api/v1/context/${item.id}` })).body.data).toMatchObject({ id: item.id, content: 'Use bullet points' });
    expect((await t.call(viewer, { method: 'PATCH', url: `/api/v1/context/${item.id}`, payload: { content: 'y' } })).status).toBe(403);
    const patched = await t.call(member, { method: 'PATCH', url: `/api/v1/context/${item.id}`, payload: { content: 'Use numbered lists', tags: ['format', 'lists'] } });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ id: item.id, content: 'Use numbered lists', tags: ['format', 'lists'] });
    // A newer preference with the same key supersedes it; the list leaves it out unless asked.
    const newer = (await add({ agentId: agent, type: 'PREFERENCE', content: 'Use tables', key: 'response_format', userId: 'u-1' })).body.data as Context;
    expect((await t.call(viewer, { url: `/api/v1/context/${item.id}` })).body.data.supersededBy).toBe(newer.id);
    expect((await list(`?agentId=${agent}&type=PREFERENCE`, viewer)).map((c) => c.id)).toEqual([newer.id]);
    expect((await list(`?agentId=${agent}&type=PREFERENCE&includeSuperseded=true`)).map((c) => c.id)).toEqual([newer.id, item.id]);
    expect((await t.call(viewer, { method: 'DELETE', url: `/api/v1/context/${newer.id}` })).status).toBe(403);
    const removed = await t.call(member, { method: 'DELETE', url: `/api/v1/context/${newer.id}` });
    expect(removed.body).toEqual({ success: true, data: { id: newer.id, deleted: true } });
    expect((await t.call(t.admin, { url: `/api/v1/context/${newer.id}` })).status).toBe(404);
    expect((await t.call(t.admin, { method: 'DELETE', url: `/api/v1/context/${newer.id}` })).status).toBe(404);
    const audit = (await t.call(t.admin, { url: '/api/v1/governance/audit?limit=50' })).body.data as { action: string; resourceId: string }[];
    expect(audit.filter((a) => a.action.startsWith('context.')).map((a) => a.action).sort()).toEqual(['context.create', 'context.create', 'context.create', 'context.delete', 'context.update']);
  });

  it('filters by user, tag and validity, and pages with a cursor', async () => {
    for (const [i, content] of ['The user is a nurse', 'The user lives in Oslo', 'The user works at Acme'].entries()) {
      expect((await add({ agentId: agent, type: 'FACT', content, userId: `u-${i + 2}`, tags: [`t${i}`], validFrom: at(T0), validUntil: at(T0 + (i + 1) * 86_400_000) })).status).toBe(201);
    }
    expect((await list('?userId=u-3')).map((c) => c.content)).toEqual(['The user lives in Oslo']);
    expect((await list('?tag=t2')).map((c) => c.content)).toEqual(['The user works at Acme']);
    expect((await list(`?type=FACT&validAt=${encodeURIComponent(at(T0 + 1.5 * 86_400_000))}`)).map((c) => c.content).sort()).toEqual(['The user lives in Oslo', 'The user works at Acme']);
    const first = await t.call(viewer, { url: '/api/v1/context?type=FACT&limit=2' });
    expect(first.body.data).toHaveLength(2);
    expect(first.body.meta).toEqual({ limit: 2, nextCursor: expect.any(String) });
    const second = await t.call(viewer, { url: `/api/v1/context?type=FACT&limit=2&cursor=${first.body.meta.nextCursor}` });
    expect(second.body.data).toHaveLength(1);
    expect(second.body.meta.nextCursor).toBeNull();
  });

  it('refuses bad input in the envelope, naming the field', async () => {
    const bad = async (opts: { method?: string; url: string; payload?: object }, field: string) => {
      const res = await t.call(t.admin, { method: (opts.method ?? 'GET') as 'GET', url: opts.url, ...(opts.payload ? { payload: opts.payload } : {}) });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', message: expect.any(String) } });
      expect(JSON.stringify(res.body.error.details)).toContain(field);
    };
    await bad({ url: '/api/v1/context?limit=0' }, 'querystring/limit');
    await bad({ url: '/api/v1/context?type=OPINION' }, 'querystring/type');
    await bad({ url: '/api/v1/context?cursor=bogus' }, 'querystring/cursor');
    await bad({ url: '/api/v1/context?agentId=7' }, 'querystring/agentId');
    await bad({ method: 'POST', url: '/api/v1/context', payload: { agentId: agent, type: 'FACT', content: '' } }, 'body/content');
    await bad({ method: 'POST', url: '/api/v1/context', payload: { agentId: agent, type: 'FACT', content: 'x', confidence: 2 } }, 'body/confidence');
    await bad({ method: 'POST', url: '/api/v1/context', payload: { agentId: agent, type: 'FACT', content: 'x', extra: 1 } }, 'body');
    await bad({ method: 'POST', url: '/api/v1/context', payload: { agentId: agent, type: 'FACT', content: 'x', validFrom: at(T0), validUntil: at(T0 - 1) } }, 'body/validUntil');
    await bad({ method: 'POST', url: '/api/v1/context', payload: { agentId: NIL, type: 'FACT', content: 'x' } }, 'body/agentId');
    await bad({ url: '/api/v1/context/42' }, 'params/id');
    await bad({ method: 'PATCH', url: `/api/v1/context/${NIL}`, payload: {} }, 'body');
    await bad({ method: 'PATCH', url: `/api/v1/context/${NIL}`, payload: { type: 'OPINION' } }, 'body/type');
    await bad({ method: 'DELETE', url: '/api/v1/context/42' }, 'params/id');
    await bad({ method: 'POST', url: '/api/v1/context/extract', payload: { limit: 0 } }, 'body/limit');
    await bad({ method: 'POST', url: '/api/v1/context/extract', payload: { interactionIds: [] } }, 'body/interactionIds');
    await bad({ method: 'PATCH', url: '/api/v1/context/settings', payload: { extractor: { connectionId: 'x', model: 'm' } } }, 'body/extractor/connectionId');
    await bad({ method: 'PATCH', url: '/api/v1/context/settings', payload: {} }, 'body');
    await bad({ method: 'PATCH', url: '/api/v1/context/settings', payload: { extractor: { connectionId: NIL, model: 'gpt-4o-mini' } } }, 'body/extractor/connectionId');
  });

  it('refuses extraction while content capture is off, and keeps nothing of pushed content then', async () => {
    const refused = await extract({});
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('content capture is off') });
    expect((await extract({}, viewer)).status).toBe(403);
  });

  it('extracts context from pushed interactions in the background once content capture is on, and on request', async () => {
    await setCapture(true);
    await push([chat('on-1', 'My order number is 4471. I want a refund.', 1000), chat('on-2', 'Please answer in German. Never mention competitors.', 2000), chat('on-3', undefined, 3000)]);
    const captured = await until('the pushed interactions extracted', async () => {
      const items = (await list(`?agentId=${agent}&limit=500`)).filter((c) => c.source.type === 'INTERACTION');
      return items.length >= 4 ? items : undefined;
    });
    expect(captured.map((c) => [c.type, c.content, c.source.interactionId, c.source.extractor]).sort()).toEqual(
      [
        ['FACT', "The user's order number is 4471", 'on-1', 'rules'],
        ['INSTRUCTION', 'Never mention competitors', 'on-2', 'rules'],
        ['INTENT', 'The user wants a refund', 'on-1', 'rules'],
        ['PREFERENCE', 'Answer in German', 'on-2', 'rules'],
      ].sort(),
    );
    // Sent without an end user: the items are the agent's as a whole.
    expect(captured.every((c) => c.userId === null && c.validFrom === at(T0 + (c.source.interactionId === 'on-1' ? 1000 : 2000)))).toBe(true);
    // On request over the same interactions: already there from the same sources, nothing changes.
    const rerun = await extract({ agentId: agent, dryRun: true }, member);
    expect(rerun.status).toBe(200);
    expect(rerun.body.data).toMatchObject({ interactionsRead: 2, extractor: 'rules', plan: { dryRun: true, created: [], merged: [], superseded: [], unchanged: 4, invalid: [] } });
    // The interaction pushed with capture off has no content to read.
    expect((await extract({ interactionIds: ['off-1'] })).body.data).toMatchObject({ interactionsRead: 0, plan: { created: [], unchanged: 0 } });
    // A new interaction extracted on request (not a dry run) supersedes the older language preference.
    await push([chat('on-4', 'Reply in Spanish please.', 4000)]);
    const spanish = await until('on-4 extracted', async () => (await list(`?agentId=${agent}&type=PREFERENCE`)).find((c) => c.content === 'Answer in Spanish'));
    const german = captured.find((c) => c.content === 'Answer in German')!;
    expect((await t.call(viewer, { url: `/api/v1/context/${german.id}` })).body.data.supersededBy).toBe(spanish.id);
    // With the end user named (the ingest API's userId, OTLP's user.id), what is drawn is that user's, on push and on request alike.
    await push([{ ...chat('on-5', 'My order number is 9912.', 5000), userId: 'u-9' }]);
    const own = await until('on-5 extracted', async () => (await list(`?agentId=${agent}&type=FACT`)).find((c) => c.content.includes('9912')));
    expect(own).toMatchObject({ userId: 'u-9', source: { interactionId: 'on-5' } });
    expect((await extract({ interactionIds: ['on-5'], dryRun: true })).body.data.plan).toMatchObject({ created: [], unchanged: 1 });
  });

  it("uses the organisation's extractor model when set (admins), and falls back to the rules, saying why, when it cannot be read", async () => {
    const vault = new CredentialVault(t.stores.controlPlane, Buffer.from(MASTER_KEY, 'hex'));
    const openaiConn = await asTenant(t.org, () => storeConnection(t.stores.controlPlane, vault, { organizationId: t.org, vendor: 'OPENAI', name: 'extractor', adminKey: sim.state.opts.keys.openaiAdmin, baseUrl: sim.openaiBaseUrl }));
    expect((await t.call(viewer, { url: '/api/v1/context/settings' })).body.data).toEqual({ extractor: null, embeddings: null });
    expect((await t.call(member, { method: 'PATCH', url: '/api/v1/context/settings', payload: { extractor: { connectionId: openaiConn, model: 'gpt-4o-mini' } } })).status).toBe(403);
    const set = await t.call(t.admin, { method: 'PATCH', url: '/api/v1/context/settings', payload: { extractor: { connectionId: openaiConn, model: 'gpt-4o-mini' } } });
    expect(set.body.data).toEqual({ extractor: { connectionId: openaiConn, model: 'gpt-4o-mini' }, embeddings: null });
    // Another organisation's settings are its own.
    expect((await t.call(keyB, { url: '/api/v1/context/settings' })).body.data).toEqual({ extractor: null, embeddings: null });
    expect((await t.call(keyB, { method: 'PATCH', url: '/api/v1/context/settings', payload: { extractor: { connectionId: openaiConn, model: 'x' } } })).status).toBe(400);
    await push([chat('llm-1', 'My name is Robin. I live in Porto.', 5000)]);
    const byModel = await until('llm-1 extracted by the model', async () => {
      const items = (await list(`?agentId=${agent}&type=FACT`)).filter((c) => c.source.interactionId === 'llm-1');
      return items.length >= 2 ? items : undefined;
    });
    expect(byModel.map((c) => [c.content, c.source.extractor]).sort()).toEqual([
      ['User is called Robin', 'llm:gpt-4o-mini'],
      ['User lives in Porto', 'llm:gpt-4o-mini'],
    ]);
    const onRequest = await extract({ interactionIds: ['llm-1'], dryRun: true });
    expect(onRequest.body.data).toMatchObject({ interactionsRead: 1, extractor: 'llm:gpt-4o-mini', plan: { unchanged: 2 } });
    await t.call(t.admin, { method: 'PATCH', url: '/api/v1/context/settings', payload: { extractor: { connectionId: openaiConn, model: 'gpt-4o-unparseable' } } });
    const fallback = await extract({ interactionIds: ['llm-1'], dryRun: true });
    expect(fallback.body.data).toMatchObject({ interactionsRead: 1, extractor: 'rules' });
    expect(fallback.body.data.plan.created.map((c: Context) => [c.content, c.source.extractor]).sort()).toEqual([
      ['The user lives in Porto', 'rules'],
      ["The user's name is Robin", 'rules'],
    ]);
    expect(t.logs()).toContain('LLM extractor unavailable, extracted by the rules');
    expect(t.logs()).not.toContain(sim.state.opts.keys.openaiAdmin);
    const off = await t.call(t.admin, { method: 'PATCH', url: '/api/v1/context/settings', payload: { extractor: null } });
    expect(off.body.data.extractor).toBeNull();
  });

  it('keeps organisations apart through every route', async () => {
    const mine = (await list(`?agentId=${agent}`))[0]!;
    expect(await list('', keyB)).toEqual([]);
    expect(await list(`?agentId=${agent}`, keyB)).toEqual([]);
    expect((await t.call(keyB, { url: `/api/v1/context/${mine.id}` })).status).toBe(404);
    expect((await t.call(keyB, { method: 'PATCH', url: `/api/v1/context/${mine.id}`, payload: { content: 'stolen' } })).status).toBe(404);
    expect((await t.call(keyB, { method: 'DELETE', url: `/api/v1/context/${mine.id}` })).status).toBe(404);
    expect((await add({ agentId: agent, type: 'FACT', content: 'x' }, keyB)).status).toBe(400);
    expect((await t.call(keyB, { method: 'PATCH', url: `/api/v1/organizations/${t.org}`, payload: { contentCapture: true } })).status).toBeGreaterThanOrEqual(400);
    expect((await extract({ agentId: agent }, keyB)).status).toBe(409);
    const bItem = (await add({ agentId: agentB, type: 'FACT', content: 'The user lives in Berlin' }, keyB)).body.data as Context;
    expect((await t.call(t.admin, { url: `/api/v1/context/${bItem.id}` })).status).toBe(404);
    expect((await list('')).map((c) => c.id)).not.toContain(bItem.id);
    expect((await t.call(t.admin, { url: `/api/v1/context/${mine.id}` })).body.data.content).toBe(mine.content);
  });

  it('never stored anything of the interaction pushed with content capture off', async () => {
    // Closing the app waits for the extractions it started.
    await t.app.close();
    closed = true;
    const rows = await systemTelemetry(t.stores.telemetry).query<{ interaction_id: string; content: string }>('SELECT interaction_id, content FROM {db:Identifier}.context_items WHERE organization_id = {org:UUID}', { org: t.org });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.interaction_id === 'off-1' || /Berlin|French/.test(r.content))).toEqual([]);
  });
});
