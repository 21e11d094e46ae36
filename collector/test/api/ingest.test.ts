import { Writable } from 'node:stream';
import pino from 'pino';
import { loadPriceTable, type IngestInteraction, type Interaction } from '@ai-arm/schemas';
import { ratePerToken, usdText } from '../../src/costs/money';
import { applyTtl } from '../../src/interactions/open';
import { asSystem } from '../../src/stores/tenant-scope';
import { Poller } from '../../src/poller/poller';
import { CONTROL_PLANE, quietLogger } from '../support/stores';
import { authedApp } from './support';

const HOUR = 3_600_000;
const T0 = Date.now() - 6 * HOUR;
const at = (ms: number) => new Date(ms).toISOString();

function item(id: string, over: Partial<IngestInteraction> = {}): IngestInteraction {
  return {
    id,
    agent: 'support-bot',
    agentName: over.agent ?? 'Support bot',
    vendor: 'openai',
    model: 'gpt-4o-mini',
    startedAt: at(T0),
    latencyMs: 420,
    timeToFirstTokenMs: 80,
    tokens: { input: 1_000_000, output: 2_000_000, cacheRead: 3_000_000 },
    status: 'ok',
    conversationId: 'conv-1',
    systemInstructions: 'You answer support tickets.',
    toolNames: ['search', 'lookup_order'],
    ...over,
  };
}

/** gpt-4o-mini's list rates on a day, from the YAML itself: input, cached input, output per million. */
function listRates(day: string) {
  const entries = loadPriceTable().vendors.OPENAI!.models['gpt-4o-mini']!.prices;
  const e = [...entries].filter((p) => p.effective_from <= day).sort((a, b) => b.effective_from.localeCompare(a.effective_from))[0]!;
  return e;
}

describe(`ingest API and interaction reads (real ${CONTROL_PLANE} and chdb, app.inject)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let viewer: string;
  let ingestKey: string;
  let orgB: string;
  let keyB: string;
  let agentId: string;
  /** Ingests, then waits until the spool has handed what was accepted to ClickHouse (accepted means durable on disk, read back a moment later). */
  const ingest = async (key: string, interactions: unknown[]) => {
    const sinceText = new Date(Date.now() - 1).toISOString().replace('T', ' ').replace('Z', '');
    const res = await t.call(key, { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions } });
    const ids = res.status === 200 ? (interactions as { id: string }[]).filter((_, i) => !(res.body.data.rejected as { index: number }[]).some((r) => r.index === i)).map((i) => i.id) : [];
    for (let tries = 0; ids.length > 0; tries++) {
      const [{ n }] = (await asSystem('test: read-after-write', () => t.stores.telemetry.query<{ n: number }>('SELECT count(DISTINCT id) AS n FROM {db:Identifier}.interactions WHERE id IN {ids:Array(String)} AND ingested_at >= {since:DateTime64(3)}', { ids, since: sinceText }))) as [{ n: number }];
      if (n >= new Set(ids).size) break;
      if (tries > 200) throw new Error(`accepted interactions ${ids.join(', ')} did not reach ClickHouse`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return res;
  };
  const interactions = async (key: string, agent: string, query = '') => t.call(key, { url: `/api/v1/agents/${agent}/interactions?from=${at(T0 - HOUR)}&to=${at(Date.now() + HOUR)}${query}` });

  /** A series' value on /metrics, summed over the series whose labels include these. */
  const metric = async (name: string, labels: Record<string, string>) => {
    const text = (await t.call(null, { url: '/metrics' })).raw;
    return text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  };

  beforeAll(async () => {
    // A poller without connections: what keeps ai_arm_agents current, as in the running collector.
    t = await authedApp({}, async (stores, config, metrics) => ({ agents: new Poller({ config, stores, metrics, log: quietLogger() }, []) }));
    viewer = await t.key('viewer');
    ingestKey = await t.key('ingest');
    ({ id: orgB, key: keyB } = await t.otherOrganization('org-b'));
  });
  afterAll(() => t.close());

  it('stores an ingested interaction that reads back with its tokens, the price table\'s cost exactly, version 1, and a new CUSTOM agent, listed and counted in ai_arm_agents', async () => {
    const res = await ingest(ingestKey, [item('req-1')]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { accepted: 1, rejected: [] } });

    const agents = await t.call(viewer, { url: '/api/v1/agents?type=CUSTOM&q=Support' });
    const agent = (agents.body.data as { id: string; name: string; vendor: string; type: string; status: string; metadata: Record<string, unknown> }[]).find((a) => a.name === 'Support bot')!;
    expect(agent).toMatchObject({ vendor: 'CUSTOM', type: 'CUSTOM', status: 'ACTIVE', metadata: { source: 'api' } });
    agentId = agent.id;
    for (let i = 0; i < 100 && (await metric('ai_arm_agents', { organization_id: t.org, gen_ai_provider_name: 'custom', agent_status: 'active' })) < 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await metric('ai_arm_agents', { organization_id: t.org, gen_ai_provider_name: 'custom', agent_status: 'active' })).toBe(1);

    const read = await interactions(viewer, agentId);
    expect(read.status).toBe(200);
    const [got] = read.body.data as Interaction[];
    const r = listRates(at(T0).slice(0, 10));
    const expected = ratePerToken(r.input) * 1_000_000n + ratePerToken(r.output) * 2_000_000n + ratePerToken(r.cached_input!) * 3_000_000n;
    expect(got).toMatchObject({
      id: 'req-1', agentId, source: 'api', startedAt: at(T0).replace('Z', '000Z'), latencyMs: 420, timeToFirstTokenMs: 80, vendor: 'openai', model: 'gpt-4o-mini', responseModel: 'gpt-4o-mini',
      version: 1, tokens: { input: 1_000_000, output: 2_000_000, cacheRead: 3_000_000, cacheWrite: 0 }, costUsd: usdText(expected), status: 'ok', errorType: null, conversationId: 'conv-1', userId: null, content: null,
    });
  });

  it('starts version 2 when the system instructions change, first seen at that request\'s time', async () => {
    const later = T0 + HOUR;
    expect((await ingest(ingestKey, [item('req-2', { startedAt: at(later), systemInstructions: 'You answer support tickets politely.' })])).body.data.accepted).toBe(1);
    const versions = (await t.call(viewer, { url: `/api/v1/agents/${agentId}/versions` })).body.data as { version: number; firstSeenAt: string; model: string; toolNames: string[]; systemHash: string }[];
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions[0]).toMatchObject({ model: 'gpt-4o-mini', toolNames: ['lookup_order', 'search'], firstSeenAt: at(T0) });
    expect(versions[1]!.firstSeenAt).toBe(at(later));
    expect(versions[1]!.systemHash).not.toBe(versions[0]!.systemHash);
    const page = (await interactions(viewer, agentId)).body.data as Interaction[];
    expect(page.map((i) => [i.id, i.version])).toEqual([['req-2', 2], ['req-1', 1]]);
  });

  it('registers a removed custom agent afresh on its next request, not under the id it had in memory', async () => {
    await ingest(ingestKey, [item('req-gone-1', { agent: 'gone-bot', startedAt: at(T0 + 3 * HOUR) })]);
    const [before] = (await t.call(viewer, { url: '/api/v1/agents?q=gone-bot' })).body.data as { id: string }[];
    expect((await t.call(t.admin, { method: 'DELETE', url: `/api/v1/agents/${before!.id}` })).status).toBe(200);
    expect((await ingest(ingestKey, [item('req-gone-2', { agent: 'gone-bot', startedAt: at(T0 + 3 * HOUR + 1) })])).body.data.accepted).toBe(1);
    const [after] = (await t.call(viewer, { url: '/api/v1/agents?q=gone-bot' })).body.data as { id: string }[];
    expect(after!.id).not.toBe(before!.id);
    expect(((await interactions(viewer, after!.id)).body.data as Interaction[]).map((i) => [i.id, i.version])).toEqual([['req-gone-2', 1]]);
  });

  it('keeps the first of an id sent twice in one batch and refuses the second, so the store and the metrics agree', async () => {
    const res = await ingest(ingestKey, [item('req-twin', { agent: 'twin-bot', startedAt: at(T0 + 2 * HOUR), tokens: { input: 1, output: 1 } }), item('req-twin', { agent: 'twin-bot', startedAt: at(T0 + 2 * HOUR), tokens: { input: 500_000, output: 1 } })]);
    expect(res.body.data).toEqual({ accepted: 1, rejected: [{ index: 1, id: 'req-twin', reason: expect.stringContaining('appears earlier in this batch') }] });
    const [twin] = (await t.call(viewer, { url: '/api/v1/agents?q=twin-bot' })).body.data as { id: string }[];
    const stored = (await interactions(viewer, twin!.id)).body.data as Interaction[];
    expect(stored.map((i) => [i.id, i.tokens.input])).toEqual([['req-twin', 1]]);
    expect(await metric('ai_arm_requests_total', { gen_ai_agent_id: twin!.id, source: 'push' })).toBe(1);
  });

  it('stores and counts an id sent twice once', async () => {
    await ingest(ingestKey, [item('req-dup', { agent: 'dup-bot', startedAt: at(T0 + 2 * HOUR) })]);
    await ingest(ingestKey, [item('req-dup', { agent: 'dup-bot', startedAt: at(T0 + 2 * HOUR) })]);
    const [dup] = (await t.call(viewer, { url: '/api/v1/agents?q=dup-bot' })).body.data as { id: string }[];
    const ids = ((await interactions(viewer, dup!.id)).body.data as Interaction[]).map((i) => i.id);
    expect(ids).toEqual(['req-dup']);
    expect(await metric('ai_arm_requests_total', { gen_ai_agent_id: dup!.id, source: 'push' })).toBe(1);
  });

  it('leaves an unknown vendor\'s model, and Azure OpenAI (the registry prices no Azure), unpriced (null, not 0)', async () => {
    await ingest(ingestKey, [item('req-acme', { vendor: 'acme', agent: 'acme-bot' }), item('req-azure', { vendor: 'azure.ai.openai', agent: 'acme-bot', startedAt: at(T0 + 1) })]);
    const agents = (await t.call(viewer, { url: '/api/v1/agents?q=acme-bot' })).body.data as { id: string }[];
    const got = (await interactions(viewer, agents[0]!.id)).body.data as Interaction[];
    expect(got.map((i) => [i.id, i.costUsd])).toEqual([['req-azure', null], ['req-acme', null]]);
    expect(await metric('ai_arm_tokens_unpriced_total', { organization_id: t.org, gen_ai_request_model: 'gpt-4o-mini', source: 'push' })).toBe(12_000_000);
  });

  it('keeps content only once an admin turns capture on, with secrets and card numbers masked', async () => {
    const content = { system: 'key sk-ant-api03-abcdefghijklmnopqrstuv', input: [{ role: 'user', parts: [{ type: 'text', content: 'card 4111 1111 1111 1111, order 1234567890123 ok' }] }], output: 'done' };
    await ingest(ingestKey, [item('req-c-off', { agent: 'content-bot', content, userId: 'u-1' })]);
    expect((await t.call(viewer, { method: 'PATCH', url: `/api/v1/organizations/${t.org}`, payload: { contentCapture: true } })).status).toBe(403);
    const on = await t.call(t.admin, { method: 'PATCH', url: `/api/v1/organizations/${t.org}`, payload: { contentCapture: true } });
    expect(on.body.data.contentCapture).toBe(true);
    expect((await t.call(viewer, { url: `/api/v1/organizations/${t.org}` })).body.data.contentCapture).toBe(true);
    await ingest(ingestKey, [item('req-c-on', { agent: 'content-bot', startedAt: at(T0 + 1000), content, userId: 'u-1' })]);
    const agents = (await t.call(viewer, { url: '/api/v1/agents?q=content-bot' })).body.data as { id: string }[];
    const byId = Object.fromEntries(((await interactions(viewer, agents[0]!.id)).body.data as Interaction[]).map((i) => [i.id, i]));
    expect(byId['req-c-off']!.content).toBeNull();
    // The end user names a person: kept with the content, not without it.
    expect([byId['req-c-off']!.userId, byId['req-c-on']!.userId]).toEqual([null, 'u-1']);
    expect(byId['req-c-on']!.content).toEqual({
      system: 'key [REDACTED:anthropic_key]',
      input: [{ role: 'user', parts: [{ type: 'text', content: 'card [REDACTED:card], order 1234567890123 ok' }] }],
      output: 'done',
    });
    const audit = await t.call(t.admin, { url: '/api/v1/governance/audit?limit=500' });
    expect(JSON.stringify(audit.body)).toContain('"contentCapture":true');
    await t.call(t.admin, { method: 'PATCH', url: `/api/v1/organizations/${t.org}`, payload: { contentCapture: false } });
  });

  it('lets an ingest key ingest but nothing else, and refuses ingest to a viewer', async () => {
    expect((await t.call(ingestKey, { url: '/api/v1/agents' })).status).toBe(403);
    expect((await t.call(ingestKey, { url: `/api/v1/agents/${agentId}/interactions` })).status).toBe(403);
    const v = await ingest(viewer, [item('req-viewer')]);
    expect(v.status).toBe(403);
    expect(v.body.error.code).toBe('FORBIDDEN');
  });

  it('pages an agent\'s interactions newest first by cursor, and filters by status', async () => {
    const base = T0 + 3 * HOUR;
    await ingest(ingestKey, [0, 1, 2, 3, 4].map((i) => item(`page-${i}`, { agent: 'pager', startedAt: at(base + i * 1000), status: i === 2 ? 'error' : 'ok', ...(i === 2 ? { errorType: 'timeout' } : {}) })));
    const [pager] = (await t.call(viewer, { url: '/api/v1/agents?q=pager' })).body.data as { id: string }[];
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 4; i++) {
      const page = await interactions(viewer, pager!.id, `&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...(page.body.data as Interaction[]).map((x) => x.id));
      cursor = page.body.meta.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(['page-4', 'page-3', 'page-2', 'page-1', 'page-0']);
    const errors = (await interactions(viewer, pager!.id, '&status=error')).body.data as Interaction[];
    expect(errors.map((e) => [e.id, e.errorType])).toEqual([['page-2', 'timeout']]);
    expect((await interactions(viewer, pager!.id, '&cursor=nope')).status).toBe(400);
  });

  it('shows a conversation across agents in the order its requests started', async () => {
    await ingest(ingestKey, [item('conv-b', { agent: 'planner', conversationId: 'conv-x', startedAt: at(T0 + 5000) }), item('conv-a', { agent: 'executor', conversationId: 'conv-x', startedAt: at(T0 + 1000) })]);
    const c = await t.call(viewer, { url: '/api/v1/conversations/conv-x' });
    expect(c.status).toBe(200);
    expect((c.body.data.interactions as Interaction[]).map((i) => i.id)).toEqual(['conv-a', 'conv-b']);
    expect(c.body.data.agentIds).toHaveLength(2);
    expect(c.body.data.startedAt).toBe(at(T0 + 1000).replace('Z', '000Z'));
    expect((await t.call(viewer, { url: '/api/v1/conversations/no-such' })).status).toBe(404);
  });

  it('never shows one organisation another\'s interactions, versions or conversations', async () => {
    expect((await interactions(keyB, agentId)).status).toBe(404);
    expect((await t.call(keyB, { url: `/api/v1/agents/${agentId}/versions` })).status).toBe(404);
    expect((await t.call(keyB, { url: '/api/v1/conversations/conv-1' })).status).toBe(404);
    // The same agent id and conversation pushed by B make B's own agent; A's reads do not change.
    expect((await ingest(keyB, [item('req-1', { conversationId: 'conv-1', startedAt: at(T0 + 7000) })])).body.data.accepted).toBe(1);
    const [agentB] = (await t.call(keyB, { url: '/api/v1/agents?q=Support' })).body.data as { id: string }[];
    expect(agentB!.id).not.toBe(agentId);
    expect(((await interactions(keyB, agentB!.id)).body.data as Interaction[]).map((i) => i.id)).toEqual(['req-1']);
    expect(((await t.call(keyB, { url: '/api/v1/conversations/conv-1' })).body.data.interactions as Interaction[]).map((i) => i.agentId)).toEqual([agentB!.id]);
    expect(((await t.call(viewer, { url: '/api/v1/conversations/conv-1' })).body.data.interactions as Interaction[]).some((i) => i.agentId === agentB!.id)).toBe(false);
    expect((await t.call(viewer, { url: `/api/v1/agents/${agentB!.id}/versions` })).status).toBe(404);
  });

  it('refuses bad bodies whole with the envelope, rejects bad items alone, and loses nothing accepted', async () => {
    const before = ((await interactions(viewer, agentId)).body.data as Interaction[]).length;
    const wrongType = await ingest(ingestKey, [{ ...item('bad-1'), tokens: { input: 'many', output: 1 } }]);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
    expect(JSON.stringify(wrongType.body.error)).toContain('tokens/input');
    const unknown = await ingest(ingestKey, [{ ...item('bad-2'), colour: 'blue' }]);
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.error)).toContain('colour');
    const many = await ingest(ingestKey, Array.from({ length: 1001 }, (_, i) => item(`many-${i}`)));
    expect(many.status).toBe(400);
    expect(many.body.success).toBe(false);
    const partial = await ingest(ingestKey, [item('good-1', { startedAt: at(T0 + 9000) }), item('old-1', { startedAt: '2019-05-01T00:00:00Z' }), item('future-1', { startedAt: at(Date.now() + 3 * 86_400_000) })]);
    expect(partial.status).toBe(200);
    expect(partial.body.data.accepted).toBe(1);
    expect(partial.body.data.rejected).toEqual([
      { index: 1, id: 'old-1', reason: expect.stringContaining('before 2020') },
      { index: 2, id: 'future-1', reason: expect.stringContaining('future') },
    ]);
    const after = ((await interactions(viewer, agentId)).body.data as Interaction[]).map((i) => i.id);
    expect(after).toHaveLength(before + 1);
    expect(after).toContain('good-1');
    expect(after.some((id) => id.startsWith('bad-') || id.startsWith('many-'))).toBe(false);
  });
});

describe(`ingest when the spool is full, and the interactions TTL (real ${CONTROL_PLANE} and chdb)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  beforeAll(async () => {
    t = await authedApp({ ARM_INGEST_SPOOL_MAX_MB: '1', ARM_INTERACTIONS_TTL_DAYS: '7', ARM_INGEST_MAX_BODY_BYTES: '2000000' });
  });
  afterAll(() => t.close());

  it('answers 503 with Retry-After when a batch does not fit the spool, and still takes the next that does', async () => {
    await t.call(t.admin, { method: 'PATCH', url: `/api/v1/organizations/${t.org}`, payload: { contentCapture: true } });
    const big = Array.from({ length: 5 }, (_, i) => item(`big-${i}`, { systemInstructions: 'x'.repeat(250_000) }));
    const full = await t.call(t.admin, { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions: big } });
    expect(full.status).toBe(503);
    expect(full.body).toMatchObject({ success: false, error: { code: 'UNAVAILABLE', details: { retryAfterSeconds: expect.any(Number) } } });
    expect(Number(full.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const small = await t.call(t.admin, { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions: [item('small-1')] } });
    expect(small.body.data.accepted).toBe(1);
  });

  it('takes bodies up to ARM_INGEST_MAX_BODY_BYTES (over the API\'s 1 MiB) and refuses larger ones with 413 in the envelope', async () => {
    const huge = Array.from({ length: 9 }, (_, i) => item(`huge-${i}`, { systemInstructions: 'y'.repeat(250_000) }));
    const res = await t.call(t.admin, { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions: huge } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ success: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('sets the table TTL from ARM_INTERACTIONS_TTL_DAYS at start, and leaves it alone when it already matches', async () => {
    const ttl = async () => ((await t.stores.telemetry.query<{ engine_full: string }>("SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = 'interactions'"))[0]!.engine_full);
    expect(await ttl()).toContain('TTL toDateTime(started_at) + toIntervalDay(7)');
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
    await applyTtl(t.stores.telemetry, 7, log);
    expect(lines).toEqual([]);
    await applyTtl(t.stores.telemetry, 30, log);
    expect(await ttl()).toContain('toIntervalDay(30)');
    expect(lines.join('')).toContain('kept 30 days');
  });
});
