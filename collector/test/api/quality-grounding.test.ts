import type { HallucinationCheck, IngestInteraction } from '@ai-arm/schemas';
import { storeConnection } from '../../src/poller/stored-connections';
import { CredentialVault } from '../../src/security/envelope-crypto';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { asTenant } from '../../src/stores/tenant-scope';
import { systemDb } from '../support/system-db';
import { authedApp } from './support';

const MASTER_KEY = 'd'.repeat(64);
const SOURCES = ['Acme Robotics was founded in 2011 by Priya Raman in Austin. The company employs 1,250 people.'];
const at = (ms: number) => new Date(ms).toISOString();

/** POST /api/v1/quality/:agentId/evaluate, the stored checks, and checks of sampled pushed interactions (real PGlite, chdb, the simulator as evaluator). */
describe('grounding checks over the API', () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let sim: Simulator;
  let viewer: string;
  let member: string;
  let ingestKey: string;
  let keyB: string;
  let agent: string;
  let closed = false;
  const T0 = Date.now() - 3_600_000;

  const item = (id: string, content: IngestInteraction['content']): IngestInteraction => ({
    id, agent: 'rag-bot', agentName: 'RAG bot', vendor: 'openai', model: 'gpt-4o-mini', startedAt: at(T0), latencyMs: 800, tokens: { input: 300, output: 40 }, status: 'ok', ...(content ? { content } : {}),
  });
  const withContext = (id: string, answer: string) =>
    item(id, {
      input: [
        { role: 'user', parts: [{ type: 'text', content: 'Tell me about Acme.' }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: SOURCES[0] }] },
      ],
      output: [{ role: 'assistant', parts: [{ type: 'text', content: answer }] }],
    });
  const evaluate = (body: unknown, key = t.admin, agentId = agent) => t.call(key, { method: 'POST', url: `/api/v1/quality/${agentId}/evaluate`, payload: body as object });
  const settings = (values: object, evaluator: object | null = null) =>
    systemDb(t.stores.controlPlane).query(
      `INSERT INTO quality_settings (organization_id, agent_id, settings, evaluator, updated_by) VALUES ($1, NULL, $2, $3, 'test')
       ON CONFLICT (organization_id, (coalesce(agent_id, '00000000-0000-0000-0000-000000000000'::uuid))) DO UPDATE SET settings = EXCLUDED.settings, evaluator = EXCLUDED.evaluator`,
      [t.org, JSON.stringify(values), evaluator === null ? null : JSON.stringify(evaluator)],
    );
  const setCapture = async (on: boolean) => expect((await t.call(t.admin, { method: 'PATCH', url: `/api/v1/organizations/${t.org}`, payload: { contentCapture: on } })).status).toBe(200);

  beforeAll(async () => {
    sim = await startSimulator({ now: Math.floor(Date.now() / 1000), agents: 4 });
    t = await authedApp({ ARM_MASTER_KEY: MASTER_KEY });
    [viewer, member, ingestKey] = [await t.key('viewer'), await t.key('member'), await t.key('ingest')];
    const other = await t.otherOrganization('org-b');
    const orgB = other.id;
    keyB = other.key;
    // The agent comes into being with its first pushed interaction (content capture still off).
    expect((await t.call(ingestKey, { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions: [item('first', undefined)] } })).status).toBe(200);
    agent = ((await t.call(t.admin, { url: '/api/v1/agents?type=CUSTOM' })).body.data as { id: string; name: string }[]).find((a) => a.name === 'RAG bot')!.id;
  });
  afterAll(async () => {
    if (closed) await t.stores.close();
    else await t.close();
    await sim.close();
  });

  it('refuses an unknown agent, empty sources and an over-long response, in plain words', async () => {
    const unknown = await evaluate({ response: 'x y z', sources: ['a'] }, t.admin, '00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'NOT_FOUND', message: 'no agent 00000000-0000-4000-8000-000000000000' });
    const empty = await evaluate({ response: 'Acme was founded in 2011.', sources: [] });
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual({ success: false, error: { code: 'VALIDATION_ERROR', message: expect.stringContaining('sources must hold at least one document'), details: { fields: [{ field: 'body/sources', message: expect.any(String) }] } } });
    const long = await evaluate({ response: 'a'.repeat(65_537), sources: ['a'] });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toContain('longer than 65536 characters (64 KiB)');
    // Other mistakes keep the framework's naming of the field.
    const judge = await evaluate({ response: 'x', sources: ['a'], judge: 'maybe' });
    expect(judge.status).toBe(400);
    expect(judge.body.error.message).toContain('body/judge');
    expect((await evaluate({ response: 'x', sources: ['a'] }, t.admin, 'not-a-uuid')).status).toBe(400);
  });

  it('lets members and admins check, every role read, and keeps organisations apart', async () => {
    expect((await evaluate({ response: 'Acme was founded in 2011.', sources: SOURCES }, viewer)).status).toBe(403);
    const res = await evaluate({ response: 'Acme was founded in 2011. It employs 900 people.', sources: SOURCES, interactionId: 'chat-7' }, member);
    expect(res.status).toBe(200);
    const check = res.body.data as HallucinationCheck;
    expect(check).toMatchObject({ agentId: agent, interactionId: 'chat-7', method: 'rules', verdict: 'HALLUCINATION', response: null });
    expect(check.claims.map((c) => c.status)).toEqual(['SUPPORTED', 'CONTRADICTED']);
    expect(check.flaggedClaims).toEqual([expect.objectContaining({ claim: 'It employs 900 people.', startIndex: 26, endIndex: 48, suggestedCorrection: '1,250 people' })]);
    // Content capture is off: the stored check keeps the statuses, not the words.
    const stored = await t.call(viewer, { url: `/api/v1/quality/${agent}/grounding/${check.id}` });
    expect(stored.status).toBe(200);
    expect(stored.body.data).toMatchObject({ id: check.id, verdict: 'HALLUCINATION', response: null });
    expect(stored.body.data.claims.map((c: { text: string; status: string }) => [c.text, c.status])).toEqual([['', 'SUPPORTED'], ['', 'CONTRADICTED']]);
    expect(JSON.stringify(stored.body.data)).not.toContain('Priya');
    // Another organisation sees neither the agent nor its checks.
    expect((await evaluate({ response: 'x y z', sources: ['a'] }, keyB)).status).toBe(404);
    expect((await t.call(keyB, { url: `/api/v1/quality/${agent}/grounding` })).body.data).toEqual([]);
    expect((await t.call(keyB, { url: `/api/v1/quality/${agent}/grounding/${check.id}` })).status).toBe(404);
    const metrics = (await t.call(null, { url: '/metrics' })).raw as string;
    expect(metrics).toMatch(new RegExp(`ai_arm_grounding_checks_total\\{[^}]*gen_ai_agent_id="${agent}"[^}]*grounding_verdict="hallucination"[^}]*\\} 1`));
  });

  it('lists checks newest first, by verdict, a page at a time, with the text when content is captured', async () => {
    await setCapture(true);
    const clean = (await evaluate({ response: 'Acme was founded in 2011 by Priya Raman.', sources: SOURCES })).body.data as HallucinationCheck;
    expect(clean).toMatchObject({ verdict: 'CLEAN', score: 0, response: 'Acme was founded in 2011 by Priya Raman.' });
    const all = await t.call(viewer, { url: `/api/v1/quality/${agent}/grounding` });
    expect(all.body.data.map((c: HallucinationCheck) => c.id)[0]).toBe(clean.id);
    expect(all.body.data.length).toBe(2);
    const hallucinations = await t.call(viewer, { url: `/api/v1/quality/${agent}/grounding?verdict=HALLUCINATION` });
    expect(hallucinations.body.data.map((c: HallucinationCheck) => c.verdict)).toEqual(['HALLUCINATION']);
    const first = await t.call(viewer, { url: `/api/v1/quality/${agent}/grounding?limit=1` });
    expect(first.body.data).toHaveLength(1);
    const second = await t.call(viewer, { url: `/api/v1/quality/${agent}/grounding?limit=1&cursor=${first.body.meta.nextCursor}` });
    expect(second.body.data.map((c: HallucinationCheck) => c.verdict)).toEqual(['HALLUCINATION']);
    expect(second.body.meta.nextCursor).toBeNull();
    const read = await t.call(viewer, { url: `/api/v1/quality/${agent}/grounding/${clean.id}` });
    expect(read.body.data.claims[0]).toMatchObject({ text: 'Acme was founded in 2011 by Priya Raman.', status: 'SUPPORTED' });
    expect((await t.call(viewer, { url: `/api/v1/quality/${agent}/grounding?cursor=bogus` })).status).toBe(400);
  });

  it("asks the organisation's evaluator model, and falls back to the rules, saying why, when its reply cannot be read", async () => {
    expect((await evaluate({ response: 'Acme was founded in 2011.', sources: SOURCES, judge: 'llm' })).body.error).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringContaining('needs an evaluator model') });
    const connectionId = await asTenant(t.org, () => storeConnection(t.stores.controlPlane, new CredentialVault(t.stores.controlPlane, Buffer.from(MASTER_KEY, 'hex')), { organizationId: t.org, vendor: 'OPENAI', name: 'judge', adminKey: sim.state.opts.keys.openaiAdmin, baseUrl: sim.openaiBaseUrl }));
    await settings({}, { connectionId, model: 'gpt-4o-mini' });
    const llm = (await evaluate({ response: 'Acme was founded in 2011. Acme has an office in Singapore.', sources: SOURCES })).body.data as HallucinationCheck;
    expect(llm.method).toBe('llm');
    expect(llm.claims.map((c) => [c.status, c.reason])).toEqual([
      ['SUPPORTED', 'every number and name of the claim appears in the sources'],
      ['UNSUPPORTED', expect.stringContaining('singapore')],
    ]);
    // judge "rules" is honoured even with an evaluator.
    expect((await evaluate({ response: 'Acme was founded in 2011.', sources: SOURCES, judge: 'rules' })).body.data.method).toBe('rules');
    await settings({}, { connectionId, model: 'gpt-4o-unparseable' });
    const fallback = (await evaluate({ response: 'Acme was founded in 2011.', sources: SOURCES })).body.data as HallucinationCheck;
    expect(fallback.method).toBe('rules');
    expect(fallback.claims[0]).toMatchObject({ status: 'SUPPORTED', reason: expect.stringMatching(/^LLM judge unavailable \(the evaluator's reply is not JSON.*\); by the rules: /) });
    expect(t.logs()).toContain('LLM judge unavailable, checked by the rules');
    await settings({});
  });

  it('checks sampled pushed interactions that carry retrieved context when content is captured, and none otherwise', async () => {
    await settings({ groundingSampleRate: 1 });
    const push = async (items: IngestInteraction[]) => expect((await t.call(ingestKey, { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions: items } })).status).toBe(200);
    await setCapture(false);
    await push([withContext('off-1', 'Acme was founded in 2011.')]);
    await setCapture(true);
    await push([withContext('on-1', 'Acme was founded in 2011.'), withContext('on-2', 'Acme employs 900 people.'), item('no-context', { input: 'Tell me about Acme.', output: 'Acme was founded in 1990.' })]);
    // Closing the app waits for the checks it started.
    await t.app.close();
    closed = true;
    const rows = await asTenant(t.org, () =>
      t.stores.telemetry.query<{ interaction_id: string; verdict: string; method: string; claims: string }>(
        'SELECT interaction_id, verdict, method, claims FROM {db:Identifier}.grounding_checks FINAL WHERE organization_id = {org:UUID} AND interaction_id != {none:String} AND interaction_id != {asked:String} ORDER BY interaction_id',
        { org: t.org, none: '', asked: 'chat-7' },
      ),
    );
    expect(rows.map((r) => [r.interaction_id, r.verdict, r.method])).toEqual([
      ['on-1', 'CLEAN', 'rules'],
      ['on-2', 'HALLUCINATION', 'rules'],
    ]);
    expect(JSON.parse(rows[1]!.claims)[0]).toMatchObject({ text: 'Acme employs 900 people.', status: 'CONTRADICTED' });
  });
});
