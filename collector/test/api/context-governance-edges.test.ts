import { authedApp } from './support';
import { CONTROL_PLANE } from '../support/stores';
import { until } from '../support/wait';

/**
 * Edges of the context vault and of governance found by a review, each once wrong: a transfer
 * that dropped merge counts, an instruction superseding a preference, a search that lost every
 * hit for an upper-case agent id, NOT conditions holding on a prompt or answer never sent, and a
 * request sent again with another start stored as two violation rows under one id.
 */
describe(`context and governance edges (real chdb and ${CONTROL_PLANE}, app.inject)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  beforeAll(async () => {
    t = await authedApp();
  });
  afterAll(() => t.close());
  const call = (method: string, url: string, payload?: object, key = t.admin) => t.call(key, { method: method as 'GET', url, ...(payload ? { payload } : {}) });
  const agent = async (name: string) => (await call('POST', '/api/v1/agents', { name })).body.data.id as string;
  const add = async (item: object) => {
    const res = await call('POST', '/api/v1/context', item);
    expect(res.status).toBeLessThan(300);
    return res.body.data as { id: string };
  };

  it('a transfer carries each item\'s merge count, as an ARM_NATIVE import does', async () => {
    const [from, to] = [await agent('transfer-from'), await agent('transfer-to')];
    for (let i = 0; i < 3; i++) await add({ agentId: from, type: 'INTENT', content: 'Wants a refund', confidence: 0.5 });
    expect((await call('POST', '/api/v1/context/transfer', { fromAgentId: from, toAgentId: to })).status).toBe(200);
    const moved = (await call('GET', `/api/v1/context?agentId=${to}`)).body.data as { content: string; mergedCount: number }[];
    expect(moved.map((i) => [i.content, i.mergedCount])).toEqual([['Wants a refund', 3]]);
  });

  it('imports: the same document again changes nothing, another saying the same thing is another observation, and two entries of one document merge', async () => {
    const a = await agent('json-imports');
    const doc = (items: object[]) => ({ agentId: a, format: 'JSON', data: { format: 'JSON', items } });
    const plan = async (items: object[]) => (await call('POST', '/api/v1/context/import', doc(items))).body.data.plan as { created: unknown[]; merged: unknown[]; unchanged: number };
    const counts = (p: { created: unknown[]; merged: unknown[]; unchanged: number }) => [p.created.length, p.merged.length, p.unchanged];
    const nurse = { type: 'FACT', content: 'The user is a nurse', confidence: 0.6 };
    expect(counts(await plan([nurse]))).toEqual([1, 0, 0]);
    expect(counts(await plan([nurse]))).toEqual([0, 0, 1]);
    expect(counts(await plan([{ ...nurse, tags: ['from-crm'] }, nurse]))).toEqual([0, 1, 0]);
    const [item] = (await call('GET', `/api/v1/context?agentId=${a}`)).body.data as { mergedCount: number; confidence: number; tags: string[] }[];
    expect(item!.mergedCount).toBe(3);
    expect(item!.confidence).toBeGreaterThan(0.9);
    expect(item!.tags).toEqual(['from-crm']);
    // Into an agent with nothing: one document's two entries saying the same thing become one item, counted twice.
    const b = await agent('json-imports-b');
    expect(counts((await call('POST', '/api/v1/context/import', { ...doc([nurse, { ...nurse, content: 'The user is a nurse.' }]), agentId: b })).body.data.plan)).toEqual([1, 0, 0]);
    expect(((await call('GET', `/api/v1/context?agentId=${b}`)).body.data as { mergedCount: number }[]).map((i) => i.mergedCount)).toEqual([2]);
  });

  it('an instruction does not supersede a preference of the same key: only a newer preference does', async () => {
    const a = await agent('pref-vs-instruction');
    const pref = await add({ agentId: a, type: 'PREFERENCE', key: 'language', content: 'Answer in French', validFrom: '2025-01-01T00:00:00Z' });
    await add({ agentId: a, type: 'INSTRUCTION', key: 'language', content: 'Never switch language mid-conversation', validFrom: '2025-02-01T00:00:00Z' });
    expect((await call('GET', `/api/v1/context/${pref.id}`)).body.data.supersededBy).toBeNull();
    expect(((await call('GET', `/api/v1/preferences?agentId=${a}`)).body.data as unknown[]).length).toBe(1);
    const newer = await add({ agentId: a, type: 'PREFERENCE', key: 'language', content: 'Answer in Norwegian', validFrom: '2025-03-01T00:00:00Z' });
    expect((await call('GET', `/api/v1/context/${pref.id}`)).body.data.supersededBy).toBe(newer.id);
  });

  it('search finds the same hits for an agent id written in upper case', async () => {
    const a = await agent('upper-case-search');
    await add({ agentId: a, type: 'FACT', content: 'The customer asked for a refund of order 1234' });
    const hits = async (id: string) => ((await call('GET', `/api/v1/context/search?q=refund&agentId=${id}`)).body.data.hits as unknown[]).length;
    expect(await hits(a)).toBeGreaterThan(0);
    expect(await hits(a.toUpperCase())).toBe(await hits(a));
  });

  it('a NOT condition does not hold on a prompt or answer the request never carried; a request sent again with another start is its own violation', async () => {
    for (const body of [
      { name: 'answers must apologise', enforcement: 'AUDIT', severity: 'INFO', conditions: [{ field: 'response.content', operator: 'CONTAINS', value: 'sorry', not: true }] },
      { name: 'prompts name a ticket', enforcement: 'AUDIT', severity: 'WARNING', conditions: [{ field: 'request.content', operator: 'CONTAINS', value: 'ticket', not: true }] },
    ]) expect((await call('POST', '/api/v1/governance/policies', body)).status).toBe(201);
    const ingest = await t.key('ingest');
    const t0 = Date.now() - 3_600_000;
    const at = (ms: number) => new Date(ms).toISOString();
    const base = { agent: 'gov-bot', vendor: 'openai', model: 'gpt-4o-mini', latencyMs: 300, tokens: { input: 10, output: 0 }, status: 'ok' };
    const sent = await call('POST', '/api/v1/ingest/interactions', { interactions: [
      { ...base, id: 'no-content', startedAt: at(t0) },
      { ...base, id: 'no-answer', startedAt: at(t0 + 1000), content: { input: [{ role: 'user', content: 'about ticket 42' }] } },
      { ...base, id: 'unapologetic', startedAt: at(t0 + 2000), content: { input: [{ role: 'user', content: 'about my order' }], output: 'No.' } },
    ] }, ingest);
    expect(sent.body.data).toEqual({ accepted: 3, rejected: [] });
    // The last one again, a second later: another interaction row, so another violation.
    await call('POST', '/api/v1/ingest/interactions', { interactions: [{ ...base, id: 'unapologetic', startedAt: at(t0 + 3000), content: { input: [{ role: 'user', content: 'about my order' }], output: 'No.' } }] }, ingest);
    const window = `from=${at(t0 - 60_000)}&to=${at(Date.now() + 60_000)}`;
    const violations = await until('the violations stored', async () => {
      const rows = (await call('GET', `/api/v1/governance/violations?${window}`)).body.data as { id: string; interactionId: string; policyName: string }[];
      return rows.length >= 4 ? rows : undefined;
    }, 10_000);
    expect(violations.map((v) => `${v.interactionId} ${v.policyName}`).sort()).toEqual([
      'unapologetic answers must apologise', 'unapologetic answers must apologise', 'unapologetic prompts name a ticket', 'unapologetic prompts name a ticket',
    ]);
    expect(new Set(violations.map((v) => v.id)).size).toBe(4);
  });
});
