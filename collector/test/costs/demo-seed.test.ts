import { loadPriceTable } from '@ai-arm/schemas';
import { BudgetStore } from '../../src/costs/budgets';
import { CostAlertStore, judgeAlert } from '../../src/costs/cost-alerts';
import { DEMO_BUDGET, seedDemo } from '../../src/costs/demo-seed';
import { usdToAtto } from '../../src/costs/money';
import { CostService } from '../../src/costs/service';
import { openStores, type Stores } from '../../src/stores';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { asTenant } from '../../src/stores/tenant-scope';
import { simPoller } from '../support/poller';
import { CONTROL_PLANE, quietLogger, testConfig, testMetrics } from '../support/stores';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000;

describe(`demo mode seeds attribution, a budget and a forecast alert that fires (real chdb and ${CONTROL_PLANE})`, () => {
  let sim: Simulator;
  let stores: Stores;
  let org: string;
  let costs: CostService;

  beforeAll(async () => {
    sim = await startSimulator({ now: NOW, agents: 8, demo: true });
    const config = testConfig({ ARM_POLL_BACKFILL_DAYS: '30' });
    const { metrics } = testMetrics();
    stores = await openStores(config, metrics, quietLogger());
    const polled = await simPoller(sim, stores, config, metrics);
    org = polled.org;
    await polled.poller.runOnce();
    costs = new CostService(stores, loadPriceTable());
  });
  afterAll(async () => {
    await sim?.close();
    await stores?.close();
  });

  /** The demo seeding and the cost engine, acting for the polled organisation. */
  const forOrg = <T>(fn: () => Promise<T>) => asTenant(org, fn);

  it('creates the budget under its forecast, and the alert on it fires', () => forOrg(async () => {
    const now = new Date(NOW * 1000);
    await seedDemo(costs, stores.controlPlane, org, sim, now);
    expect((await costs.attribution.list(org)).length).toBeGreaterThan(0);
    const [budget, ...others] = await new BudgetStore(stores.controlPlane).list(org);
    expect(others).toEqual([]);
    expect(budget).toEqual(expect.objectContaining({ name: DEMO_BUDGET, period: 'MONTH' }));
    const [alert] = await new CostAlertStore(stores.controlPlane).list(org);
    expect(alert).toEqual(expect.objectContaining({ alertType: 'FORECAST', budgetId: budget!.id }));
    const judged = await judgeAlert(costs, org, alert!, now, budget);
    expect(judged.firing).toBe(true);
    // Not yet used up: what the month has spent so far is under the amount.
    const spent = (await costs.ledger({ organizationId: org, from: '2026-11-01', to: '2026-11-21' }, 'none')).reduce((s, c) => s + c.cost, 0n);
    expect(spent).toBeLessThan(usdToAtto(budget!.amount));
  }));

  it('leaves an organisation that has budgets alone', () => forOrg(async () => {
    const budgets = new BudgetStore(stores.controlPlane);
    await budgets.put(org, { name: DEMO_BUDGET, period: 'MONTH', amount: '1.00' });
    await seedDemo(costs, stores.controlPlane, org, sim, new Date(NOW * 1000));
    expect((await budgets.list(org)).map((b) => b.amount)).toEqual(['1.00']);
    expect(await new CostAlertStore(stores.controlPlane).list(org)).toHaveLength(1);
  }));
});
