import { loadPriceTable } from '@ai-arm/schemas';
import { buildApp, type App } from '../src/app';
import { costStateRefresher } from '../src/costs/after-poll';
import { CostService } from '../src/costs/service';
import { openConnections } from '../src/poller/connections';
import { Poller } from '../src/poller/poller';
import { startSimulator, type Simulator } from '../src/simulator/server';
import { openStores, type Stores } from '../src/stores';
import { simEndpoints } from './support/poller';
import { uniqueName } from './support/paths';
import { CONTROL_PLANE, quietLogger, testConfig, testMetrics } from './support/stores';
import { systemDb } from './support/system-db';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000;

/** `name{labels} value` lines of one metric, labels parsed. */
const series = (text: string, name: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`))
    .map((l) => {
      const labels = Object.fromEntries([...l.slice(name.length + 1, l.lastIndexOf('}')).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
      return { labels, value: Number(l.slice(l.lastIndexOf(' ') + 1)) };
    });
const sumOf = (rows: { value: number }[]) => rows.reduce((s, r) => s + r.value, 0);

/**
 * Two organisations polled by one collector, each from its own simulated vendor account, with a
 * budget and a cost alert of the same name: every per-tenant series is its organisation's, and
 * what one organisation does (a sync, a poll, a budget removed) leaves the other's series alone.
 */
describe(`tenants in metrics and statistics (two organisations, real chdb and ${CONTROL_PLANE}, simulator data)`, () => {
  let sims: Simulator[];
  let stores: Stores;
  let app: App;
  let poller: Poller;
  const { sink, metrics } = testMetrics();
  let a: string;
  let b: string;
  const call = async (org: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers: { 'x-test-organization': org }, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };
  const agentsIn = async (org: string) =>
    Number((await systemDb(stores.controlPlane).query<{ n: number }>('SELECT count(*)::int AS n FROM agents WHERE organization_id = $1 AND vanished_at IS NULL', [org]))[0]!.n);

  beforeAll(async () => {
    sims = [await startSimulator({ now: NOW, agents: 4 }), await startSimulator({ now: NOW, agents: 14, seed: 'another-company' })];
    const config = testConfig({ ARM_POLL_BACKFILL_DAYS: '3', ARM_VENDOR_MAX_RETRIES: '0' });
    stores = await openStores(config, metrics, quietLogger());
    const org = async () => (await systemDb(stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [uniqueName('org').replace(/_/g, '-')]))[0]!.id;
    a = await org();
    b = await org();
    // B's OpenAI key is revoked: its vendor-API figures have errors, A's have none.
    const connections = [
      ...(await openConnections(stores.controlPlane, a, 'env', simEndpoints(sims[0]!), metrics, 0)),
      ...(await openConnections(stores.controlPlane, b, 'env', simEndpoints(sims[1]!, { openai: 'sk-admin-revoked' }), metrics, 0)),
    ];
    const costs = new CostService(stores, loadPriceTable());
    poller = new Poller({ config, stores, metrics, log: quietLogger(), now: () => NOW, costs: { afterReports: costStateRefresher(costs, stores.controlPlane, metrics, quietLogger()) } }, connections);
    app = await buildApp({ config, stores, sink, logger: quietLogger(), tenant: async (request) => String(request.headers['x-test-organization']), now: () => new Date(NOW * 1000) });
    // The same budget and alert names in both organisations, with different amounts.
    expect((await call(a, 'POST', '/api/v1/costs/budget', { name: 'A-budget', period: 'MONTH', amount: '0.01' })).status).toBe(201);
    expect((await call(b, 'POST', '/api/v1/costs/budget', { name: 'A-budget', period: 'MONTH', amount: '1000000' })).status).toBe(201);
    expect((await call(a, 'POST', '/api/v1/costs/alerts', { name: 'A-alert', alertType: 'THRESHOLD', threshold: '0.01', period: 'MONTH' })).status).toBe(201);
    expect((await call(b, 'POST', '/api/v1/costs/alerts', { name: 'A-alert', alertType: 'THRESHOLD', threshold: '1000000', period: 'MONTH' })).status).toBe(201);
    // A's connections first, then B's: B's sync and refresh come last. B's OpenAI runs fail.
    for (const c of poller.connections) {
      for (const run of [() => poller.inventory(c), () => poller.reports(c), () => poller.health(c)]) await run().catch(() => undefined);
    }
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    for (const s of sims ?? []) await s.close();
    await stores?.close();
  });

  it('ai_arm_agents shows every organisation, each its own inventory', async () => {
    const text = await sink.render();
    const [inA, inB] = [await agentsIn(a), await agentsIn(b)];
    expect(inA).toBeGreaterThan(0);
    expect(inB).toBeGreaterThan(0);
    expect(inA).not.toBe(inB);
    const rows = series(text, 'ai_arm_agents');
    expect(sumOf(rows.filter((r) => r.labels.organization_id === a))).toBe(inA);
    expect(sumOf(rows.filter((r) => r.labels.organization_id === b))).toBe(inB);
    expect(rows.every((r) => r.labels.organization_id === a || r.labels.organization_id === b)).toBe(true);
    // Another inventory sync of A leaves B's series as they were.
    await poller.discover(a);
    const again = series(await sink.render(), 'ai_arm_agents');
    expect(sumOf(again.filter((r) => r.labels.organization_id === b))).toBe(inB);
    expect(sumOf(again.filter((r) => r.labels.organization_id === a))).toBe(inA);
  });

  it('same-named budgets and cost alerts are one series per organisation, each its own ratio and state', async () => {
    const text = await sink.render();
    for (const org of [a, b]) {
      const [budget] = (await call(org, 'GET', '/api/v1/costs/budget')).body.data;
      const ratio = series(text, 'ai_arm_budget_spent_ratio').filter((r) => r.labels.organization_id === org && r.labels.budget === 'A-budget');
      expect(ratio).toHaveLength(1);
      expect(ratio[0]!.value).toBeCloseTo(budget.status.spentRatio, 6);
    }
    const ratios = series(text, 'ai_arm_budget_spent_ratio');
    expect(ratios.find((r) => r.labels.organization_id === a)!.value).toBeGreaterThan(1);
    expect(ratios.find((r) => r.labels.organization_id === b)!.value).toBeLessThan(0.01);
    const firing = series(text, 'ai_arm_cost_alert_firing').filter((r) => r.labels.alert_name === 'A-alert');
    expect(Object.fromEntries(firing.map((r) => [r.labels.organization_id, r.value]))).toEqual({ [a]: 1, [b]: 0 });

    // A removes its budget: A's series goes at A's next refresh, B's stays.
    const [mine] = (await call(a, 'GET', '/api/v1/costs/budget')).body.data;
    expect((await call(a, 'DELETE', `/api/v1/costs/budget/${mine.id}`)).status).toBe(204);
    await poller.refreshOrganizationCosts(a);
    const after = series(await sink.render(), 'ai_arm_budget_spent_ratio');
    expect(after.map((r) => r.labels.organization_id)).toEqual([b]);
  });

  it("ai_arm_cost_month_to_date is each organisation's own month, not the sum of all", async () => {
    const text = await sink.render();
    for (const org of [a, b]) {
      const month = (await call(org, 'GET', '/api/v1/costs/summary')).body.data.find((p: { period: string }) => p.period === 'month');
      const computed = series(text, 'ai_arm_cost_month_to_date').filter((r) => r.labels.organization_id === org && r.labels.cost_kind === 'computed');
      expect(computed.length).toBeGreaterThan(0);
      // Each provider's gauge is rounded to the cent once.
      expect(Math.abs(sumOf(computed) - Number(month.computedCost))).toBeLessThanOrEqual(0.01 * computed.length);
    }
  });

  it("GET /api/v1/collector/vendor-api shows only the caller's organisation's calls", async () => {
    const stats = async (org: string) => (await call(org, 'GET', '/api/v1/collector/vendor-api')).body.data as { provider: string; requests: number; errors: number }[];
    const [ofA, ofB] = [await stats(a), await stats(b)];
    const calls = (await sink.samples('ai_arm.collector.vendor_api.requests'));
    for (const [org, answer] of [[a, ofA], [b, ofB]] as const) {
      const own = calls.filter((s) => s.labels.organization_id === org);
      expect(sumOf(answer.map((p) => ({ value: p.requests })))).toBe(sumOf(own));
      expect(sumOf(answer.map((p) => ({ value: p.errors })))).toBe(sumOf(own.filter((s) => s.labels.outcome !== 'ok')));
    }
    // Only B's key was revoked: A sees no failed call, B sees its own.
    expect(ofA.every((p) => p.errors === 0)).toBe(true);
    expect(ofB.find((p) => p.provider === 'openai')!.errors).toBeGreaterThan(0);
    expect(sumOf(ofA.map((p) => ({ value: p.requests }))) + sumOf(ofB.map((p) => ({ value: p.requests })))).toBe(sumOf(calls));
  });

  it('every per-tenant series on /metrics names its organisation', async () => {
    const text = await sink.render();
    const perTenant = ['ai_arm_agents', 'ai_arm_agent_health', 'ai_arm_cost_alert_firing', 'ai_arm_cost_month_to_date', 'ai_arm_collector_poll_lag_seconds', 'ai_arm_collector_vendor_api_requests_total', 'gen_ai_client_operation_duration_seconds_count'];
    for (const name of perTenant) {
      const rows = series(text, name);
      expect({ name, any: rows.length > 0 }).toEqual({ name, any: true });
      expect({ name, orgs: [...new Set(rows.map((r) => r.labels.organization_id))].sort() }).toEqual({ name, orgs: [a, b].sort() });
    }
  });
});
