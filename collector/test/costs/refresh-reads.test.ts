import { loadPriceTable } from '@ai-arm/schemas';
import { costStateRefresher } from '../../src/costs/after-poll';
import { BudgetStore, budgetStatus } from '../../src/costs/budgets';
import { CostAlertStore, evaluateAlerts, judgeAlert } from '../../src/costs/cost-alerts';
import { refreshMonthToDate } from '../../src/costs/month-to-date';
import { periodWindow } from '../../src/costs/periods';
import { CostService } from '../../src/costs/service';
import { CostSnapshot } from '../../src/costs/snapshot';
import { forecastSpend, spend } from '../../src/costs/spend';
import type { TelemetryDb } from '../../src/stores/clickhouse/client';
import { asTenant } from '../../src/stores/tenant-scope';
import { polledApp, type PolledApp } from '../support/polled-app';
import { CONTROL_PLANE, quietLogger, testConfig, testMetrics } from '../support/stores';
import { buildApp } from '../../src/app';
import { systemDb } from '../support/system-db';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000 + 1234;
/** Reads of the same refresh without a snapshot: month to date and warnings, 3 budgets, 1 threshold alert, 2 forecast alerts x (period + history); 2 anomaly alerts. */
const BEFORE = { dailyUsage: 10, hourlyUsage: 2 };

/** The real chdb store, with every query it answers written down (a counter around it, not a mock). */
function counted(db: TelemetryDb): { db: TelemetryDb; sql: string[] } {
  const sql: string[] = [];
  const proxy = new Proxy(db, {
    get(target, key, receiver) {
      if (key === 'query') {
        return (text: string, params?: Record<string, unknown>) => {
          sql.push(text);
          return target.query(text, params);
        };
      }
      const v = Reflect.get(target, key, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { db: proxy, sql };
}

const kinds = (sql: string[]) => ({
  dailyUsage: sql.filter((s) => s.includes('vendor_usage') && s.includes('toDate(bucket_start)')).length,
  hourlyUsage: sql.filter((s) => s.includes('vendor_usage') && s.includes('toStartOfHour(bucket_start)')).length,
  bills: sql.filter((s) => s.includes('vendor_costs')).length,
  total: sql.length,
});

describe(`a cost refresh reads each window once (real chdb and ${CONTROL_PLANE}, simulator data)`, () => {
  let t: PolledApp;
  let org: string;
  beforeAll(async () => {
    t = await polledApp({ now: NOW, agents: 6, backfillDays: 10 });
    org = t.org;
    const db = systemDb(t.stores.controlPlane);
    const agents = await db.query<{ id: string; vendor: string; vendor_agent_id: string }>('SELECT id, vendor, vendor_agent_id FROM agents WHERE organization_id = $1', [org]);
    const keyOf = new Map(t.sim.state.world.agents.map((a) => [a.id, a.apiKeyId]));
    const rules = agents.map((a) => ({ vendor: a.vendor, matchKind: 'api_key', matchValue: keyOf.get(a.vendor_agent_id)!, agentId: a.id }));
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/costs/attribution', payload: { rules } })).statusCode).toBe(200);
    const agent = agents[0]!.id;
    await asTenant(org, async () => {
      const budgets = new BudgetStore(t.stores.controlPlane);
      await budgets.put(org, { name: 'org day', period: 'DAY', amount: '10' });
      const week = await budgets.put(org, { name: 'openai week', vendor: 'OPENAI', period: 'WEEK', amount: '50' });
      await budgets.put(org, { name: 'agent month', agentId: agent, period: 'MONTH', amount: '20' });
      const alerts = new CostAlertStore(t.stores.controlPlane);
      await alerts.create(org, { name: 'org threshold', alertType: 'THRESHOLD', threshold: '1', period: 'WEEK' });
      await alerts.create(org, { name: 'agent forecast', alertType: 'FORECAST', threshold: '5', period: 'MONTH', agentId: agent });
      await alerts.create(org, { name: 'week budget forecast', alertType: 'FORECAST', budgetId: week.id });
      await alerts.create(org, { name: 'org spike', alertType: 'ANOMALY' });
      await alerts.create(org, { name: 'agent spike', alertType: 'ANOMALY', agentId: agent });
    });
  });
  afterAll(async () => t?.close());

  it('one read of the days, one of the hours and one of the bills, however many budgets and alerts look at them', async () => {
    const { db, sql } = counted(t.stores.telemetry);
    const costs = new CostService({ controlPlane: t.stores.controlPlane, telemetry: db }, loadPriceTable());
    const refresh = costStateRefresher(costs, t.stores.controlPlane, t.metrics, quietLogger());
    await asTenant(org, () => refresh(org, new Date(NOW * 1000)));
    expect(kinds(sql)).toEqual({ dailyUsage: 1, hourlyUsage: 1, bills: 1, total: 3 });

    // The same consumers fed the cost engine itself, as the refresh did before it had a snapshot:
    // a read per consumer (month to date, the warnings, each budget, each alert and each forecast's history).
    sql.length = 0;
    const now = new Date(NOW * 1000);
    await asTenant(org, async () => {
      await refreshMonthToDate(costs, t.metrics, org, now);
      await costs.ledger({ organizationId: org, ...periodWindow('MONTH', now) }, 'none');
      const budgets = await new BudgetStore(t.stores.controlPlane).list(org);
      for (const b of budgets) await budgetStatus(costs, b, now);
      await evaluateAlerts(costs, new CostAlertStore(t.stores.controlPlane), t.metrics, quietLogger(), org, now, budgets);
    });
    expect(kinds(sql)).toEqual({ dailyUsage: BEFORE.dailyUsage, hourlyUsage: BEFORE.hourlyUsage, bills: 1, total: BEFORE.dailyUsage + BEFORE.hourlyUsage + 1 });
  });

  it('every answer of the snapshot equals the cost engine’s own', async () => {
    const now = new Date(NOW * 1000);
    const costs = new CostService(t.stores, loadPriceTable());
    await asTenant(org, async () => {
      const snapshot = CostSnapshot.forRefresh(costs, org, now);
      const month = periodWindow('MONTH', now);
      const reconciled = await costs.reconcile({ organizationId: org, ...month });
      expect(reconciled.length).toBeGreaterThan(0);
      expect(await snapshot.reconcile({ organizationId: org, from: month.from, to: month.to })).toEqual(reconciled);
      expect(await snapshot.ledger({ organizationId: org, from: month.from, to: month.to }, 'none')).toEqual(await costs.ledger({ organizationId: org, from: month.from, to: month.to }, 'none'));
      const budgets = await new BudgetStore(t.stores.controlPlane).list(org);
      for (const b of budgets) expect(await budgetStatus(snapshot, b, now)).toEqual(await budgetStatus(costs, b, now));
      expect((await budgetStatus(costs, budgets.find((b) => b.name === 'agent month')!, now)).spent).not.toBe('0.00');
      const byId = new Map(budgets.map((b) => [b.id, b]));
      for (const a of await new CostAlertStore(t.stores.controlPlane).list(org)) {
        const budget = a.budgetId ? byId.get(a.budgetId) : undefined;
        expect(await judgeAlert(snapshot, org, a, now, budget)).toEqual(await judgeAlert(costs, org, a, now, budget));
      }
      for (const scope of [{ organizationId: org }, { organizationId: org, vendor: 'ANTHROPIC' }, { organizationId: org, agentId: budgets.find((b) => b.agentId)!.agentId }]) {
        expect(await forecastSpend(snapshot, scope, now, 30)).toEqual(await forecastSpend(costs, scope, now, 30));
        expect(await spend(snapshot, scope, month.from, month.to)).toBe(await spend(costs, scope, month.from, month.to));
      }
    });
  });

  it('the forecast route reads its history once for all its horizons', async () => {
    const { db, sql } = counted(t.stores.telemetry);
    const { sink } = testMetrics();
    const app = await buildApp({
      config: testConfig(),
      stores: t.stores,
      sink,
      logger: quietLogger(),
      tenant: async () => org,
      now: () => new Date(NOW * 1000),
      costs: new CostService({ controlPlane: t.stores.controlPlane, telemetry: db }, loadPriceTable()),
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/costs/forecast' });
      expect(res.statusCode).toBe(200);
      expect(res.json().data.horizons.map((h: { days: number }) => h.days)).toEqual([7, 30]);
      // It read the same 56 days three times before (the 7- and 30-day horizons and the model's figures).
      expect(kinds(sql)).toEqual({ dailyUsage: 1, hourlyUsage: 0, bills: 0, total: 1 });
    } finally {
      await app.close();
    }
  });

  it('refuses a window it has not read instead of reading it again', async () => {
    const snapshot = CostSnapshot.forRefresh(new CostService(t.stores, loadPriceTable()), org, new Date(NOW * 1000));
    await expect(asTenant(org, () => snapshot.ledger({ organizationId: org, from: '2025-01-01', to: '2025-02-01' }, 'none'))).rejects.toThrow(/outside the cost snapshot/);
  });
});
