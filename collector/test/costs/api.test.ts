import { buildApp, type App } from '../../src/app';
import { usdToAtto } from '../../src/costs/money';
import { openStores, type Stores } from '../../src/stores';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { simPoller } from '../support/poller';
import { CONTROL_PLANE, quietLogger, testConfig, testMetrics } from '../support/stores';
import { systemDb } from '../support/system-db';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000 + 1234;
const RANGE = 'from=2026-11-17&to=2026-11-20';
const UNKNOWN_MODEL = 'o1-pro-2025-03-19';
// Amounts are exact decimals: sums compare to the last digit, with no rounding on the way.
const exact = (s: string | null) => usdToAtto(s ?? '0');

/** The cost API through app.inject over real stores filled by polling the simulator. */
describe(`cost API (real chdb and ${CONTROL_PLANE}, simulator data)`, () => {
  let sim: Simulator;
  let stores: Stores;
  let app: App;
  let org: string;
  let otherOrg: string;
  const get = async (url: string, tenant = org) => {
    const res = await app.inject({ method: 'GET', url, headers: { 'x-test-org': tenant } });
    return { status: res.statusCode, body: res.json() };
  };
  const send = async (method: 'POST' | 'PUT', url: string, payload: unknown) => {
    const res = await app.inject({ method, url, payload: payload as object, headers: { 'x-test-org': org } });
    return { status: res.statusCode, body: res.json() };
  };
  const total = async () => (await get(`/api/v1/costs/breakdown?by=vendor&${RANGE}`)).body.data.reduce((s: bigint, r: { cost: string }) => s + exact(r.cost), 0n);

  beforeAll(async () => {
    sim = await startSimulator({ now: NOW, agents: 30, demo: true });
    const config = testConfig({ ARM_POLL_BACKFILL_DAYS: '3' });
    const { sink, metrics } = testMetrics();
    stores = await openStores(config, metrics, quietLogger());
    const polled = await simPoller(sim, stores, config, metrics);
    org = polled.org;
    await polled.poller.runOnce();
    otherOrg = (await systemDb(stores.controlPlane).query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('Other', $1) RETURNING id", [`other-${org}`]))[0]!.id;
    app = await buildApp({ config, stores, sink, logger: quietLogger(), tenant: async (req) => String(req.headers['x-test-org']), now: () => new Date(NOW * 1000) });
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await stores?.close();
  });

  it('summarises today, the week and the month; the week equals the sum of its days in the breakdown', async () => {
    const { status, body } = await get('/api/v1/costs/summary');
    expect(status).toBe(200);
    expect(body.data.map((p: { period: string }) => p.period)).toEqual(['today', 'week', 'month']);
    const week = body.data[1];
    expect(exact(week.computedCost)).toBeGreaterThan(0n);
    const byModel = await get('/api/v1/costs/breakdown?by=model&from=2026-11-14&to=2026-11-20');
    expect(byModel.body.data.reduce((s: bigint, r: { cost: string }) => s + exact(r.cost), 0n)).toBe(exact(week.computedCost));
    expect(byModel.body.data.some((r: { key: string; unpricedTokens: number }) => r.key === UNKNOWN_MODEL && r.unpricedTokens > 0)).toBe(true);
  });

  it('serves reconciliation at /costs/reconciliation and the PRD path /metrics/costs, with the unknown model as unpriced spend', async () => {
    const a = await get(`/api/v1/costs/reconciliation?${RANGE}`);
    const b = await get(`/api/v1/metrics/costs?${RANGE}`);
    expect(a.status).toBe(200);
    expect(b.body.data).toEqual(a.body.data);
    expect(a.body.data.some((r: { vendor: string; unpricedCost: string }) => r.vendor === 'OPENAI' && exact(r.unpricedCost) > 0n)).toBe(true);
  });

  it('attributes usage to agents by API key at query time; changing the rules re-attributes history', async () => {
    const agents = await systemDb(stores.controlPlane).query<{ id: string; vendor: string; vendor_agent_id: string }>('SELECT id, vendor, vendor_agent_id FROM agents WHERE organization_id = $1', [org]);
    const keyOf = new Map(sim.state.world.agents.map((a) => [a.id, a.apiKeyId]));
    const rules = agents.map((a) => ({ vendor: a.vendor, matchKind: 'api_key', matchValue: keyOf.get(a.vendor_agent_id)!, agentId: a.id }));
    expect((await send('PUT', '/api/v1/costs/attribution', { rules })).status).toBe(200);
    const all = await total();
    const byAgent = (await get(`/api/v1/costs/breakdown?by=agent&${RANGE}`)).body.data as { key: string | null; cost: string; name: string }[];
    expect(byAgent.reduce((s, r) => s + exact(r.cost), 0n)).toBe(all);
    // Only the shared service keys (no agent uses them) stay unattributed: one row per vendor.
    const unattributed = (rows: typeof byAgent) => rows.filter((r) => r.key === null).reduce((s, r) => s + exact(r.cost), 0n);
    expect(byAgent.filter((r) => r.key === null).map((r) => r.name)).toEqual(['unattributed', 'unattributed']);
    expect(unattributed(byAgent)).toBeGreaterThan(0n);
    expect(byAgent.filter((r) => r.key !== null && exact(r.cost) > 0n).length).toBeGreaterThan(agents.length / 2);

    // Half the agents lose their rule: their whole history moves to unattributed, the total stays.
    const kept = rules.filter((_, i) => i % 2 === 0);
    await send('PUT', '/api/v1/costs/attribution', { rules: kept });
    const after = (await get(`/api/v1/costs/breakdown?by=agent&${RANGE}`)).body.data as typeof byAgent;
    const moved = byAgent.filter((r) => r.key && !kept.some((k) => k.agentId === r.key)).reduce((s, r) => s + exact(r.cost), 0n);
    expect(moved).toBeGreaterThan(0n);
    // Exact amounts: what the removed rules attributed moves to unattributed to the last digit.
    expect(unattributed(after)).toBe(unattributed(byAgent) + moved);
    expect(after.reduce((s, r) => s + exact(r.cost), 0n)).toBe(all);

    // Per-agent usage records carry that agent's cost only.
    const one = kept.find((k) => byAgent.some((r) => r.key === k.agentId && exact(r.cost) > 0n))!;
    const usage = await get(`/api/v1/costs/usage?${RANGE}&agentId=${one.agentId}`);
    expect(usage.body.data.every((r: { agentId: string }) => r.agentId === one.agentId)).toBe(true);
    // Under the rules now in force (the breakdown `after`), to the cent.
    expect(usage.body.data.reduce((s: bigint, r: { totalCost: string }) => s + exact(r.totalCost), 0n)).toBe(exact(after.find((r) => r.key === one.agentId)!.cost));
    expect((await get(`/api/v1/metrics/usage?${RANGE}&agentId=${one.agentId}`)).body.data).toEqual(usage.body.data);
  });

  it('a contract price replaces the list price from its date, and prices a model the list lacks', async () => {
    const before = (await get(`/api/v1/costs/breakdown?by=model&${RANGE}`)).body.data as { key: string; cost: string; tokens: number; unpricedTokens: number }[];
    const unknown = before.find((r) => r.key === UNKNOWN_MODEL)!;
    const entry = { effective_from: '2025-01-01', input: 150, cached_input: 150, output: 600 };
    const created = await send('POST', '/api/v1/costs/prices', { vendor: 'OPENAI', model: 'o1-pro', entry, note: 'contract 2025' });
    expect(created.status).toBe(201);
    const after = (await get(`/api/v1/costs/breakdown?by=model&${RANGE}`)).body.data as typeof before;
    const priced = after.find((r) => r.key === UNKNOWN_MODEL)!;
    expect(priced.unpricedTokens).toBe(0);
    expect(exact(priced.cost)).toBeGreaterThan(0n);
    const rec = (await get(`/api/v1/costs/reconciliation?${RANGE}`)).body.data as { unpricedCost: string }[];
    expect(rec.every((r) => exact(r.unpricedCost) === 0n)).toBe(true);
    const listed = (await get('/api/v1/costs/prices')).body.data;
    expect(listed.prices.find((p: { model: string }) => p.model === 'o1-pro')).toMatchObject({ source: 'override', usdPerMillion: { input: '150', output: '600' } });
    expect(listed.prices.find((p: { model: string }) => p.model === 'gpt-4o')).toMatchObject({ source: 'list', usdPerMillion: { input: '2.5', cachedInput: '1.25', output: '10' } });
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/costs/prices/${created.body.data.id}`, headers: { 'x-test-org': org } })).statusCode).toBe(204);
    expect((await get(`/api/v1/costs/breakdown?by=model&${RANGE}`)).body.data.find((r: { key: string }) => r.key === UNKNOWN_MODEL).unpricedTokens).toBe(unknown.unpricedTokens);
  });

  it('rejects bad input with the envelope and keeps the rules already accepted', async () => {
    const rulesBefore = (await get('/api/v1/costs/attribution')).body.data;
    const bad = await send('PUT', '/api/v1/costs/attribution', { rules: [{ vendor: 'OPENAI', matchKind: 'api_key', matchValue: 'key_x', agentId: '00000000-0000-4000-8000-000000000000' }] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', message: expect.stringContaining('unknown agent') } });
    expect((await get('/api/v1/costs/attribution')).body.data).toEqual(rulesBefore);
    const range = await get('/api/v1/costs/usage?from=2026-11-20&to=2026-11-01');
    expect(range).toMatchObject({ status: 400, body: { success: false, error: { code: 'VALIDATION_ERROR' } } });
    const vendor = await get('/api/v1/costs/breakdown?vendor=NOPE&by=color');
    expect(vendor.status).toBe(400);
    expect(JSON.stringify(vendor.body.error.details)).toMatch(/vendor/);
    const price = await send('POST', '/api/v1/costs/prices', { vendor: 'OPENAI', model: 'x', entry: { effective_from: 'soon', input: -1 } });
    expect(price).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_ERROR' } } });
  });

  it('scopes every query to the organisation: another organisation sees none of this data', async () => {
    expect((await get(`/api/v1/costs/usage?${RANGE}`, otherOrg)).body.data).toEqual([]);
    expect((await get(`/api/v1/costs/reconciliation?${RANGE}`, otherOrg)).body.data).toEqual([]);
    expect((await get('/api/v1/costs/attribution', otherOrg)).body.data).toEqual([]);
    expect((await get(`/api/v1/costs/usage?${RANGE}`)).body.data.length).toBeGreaterThan(0);
  });
});
