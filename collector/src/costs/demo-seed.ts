import type { ConnectorVendor } from '../connectors/registry';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { BudgetStore } from './budgets';
import { CostAlertStore } from './cost-alerts';
import { attoToNumber } from './money';
import { DAY_MS, isoDay, periodWindow } from './periods';
import type { CostService } from './service';
import { spend } from './spend';

/**
 * What demo seeding needs of the vendor simulator: the API key each of its agents calls with.
 * The simulator is a separate program the collector's wiring starts; it satisfies this as it is,
 * and the domain never imports it.
 */
export interface DemoSimulator {
  state: { world: { agents: readonly { id: string; apiKeyId: string }[] } };
}

/** Name of the budget demo mode creates, sized so that its forecast alert fires. */
export const DEMO_BUDGET = 'demo-monthly';

/**
 * Demo mode only: what a real organisation sets up itself, so that a newcomer sees every
 * cost feature working on the simulator's data. Whatever the organisation already has is
 * left alone.
 */
export async function seedDemo(costs: CostService, controlPlane: ControlPlaneDb, organizationId: string, simulator: DemoSimulator, now: Date): Promise<void> {
  await seedDemoAttribution(costs, controlPlane, organizationId, simulator);
  await seedDemoBudget(costs, controlPlane, organizationId, now);
}

/**
 * The simulator knows which API key each of its agents calls with, so the demo organisation
 * gets one attribution rule per agent and per-agent cost shows at once. A real organisation
 * writes these rules itself (PUT /api/v1/costs/attribution).
 */
export async function seedDemoAttribution(costs: CostService, controlPlane: ControlPlaneDb, organizationId: string, simulator: DemoSimulator): Promise<number> {
  if ((await costs.attribution.list(organizationId)).length > 0) return 0;
  const agents = await controlPlane.query<{ id: string; vendor: ConnectorVendor; vendor_agent_id: string }>('SELECT id, vendor, vendor_agent_id FROM agents WHERE organization_id = $1', [organizationId]);
  const keyOf = new Map(simulator.state.world.agents.map((a) => [a.id, a.apiKeyId]));
  const rules = agents.filter((a) => keyOf.has(a.vendor_agent_id)).map((a) => ({ vendor: a.vendor, matchKind: 'api_key' as const, matchValue: keyOf.get(a.vendor_agent_id)!, agentId: a.id }));
  if (rules.length > 0) await costs.attribution.replace(organizationId, rules);
  return rules.length;
}

/**
 * A monthly budget watched by a FORECAST alert, sized from the last 30 days' spend so that the
 * demo's steady traffic is forecast to overspend it: the budget gauge, the burn rate and a
 * firing cost alert all have something to show. Waits until some spend is stored.
 */
export async function seedDemoBudget(costs: CostService, controlPlane: ControlPlaneDb, organizationId: string, now: Date): Promise<boolean> {
  const budgets = new BudgetStore(controlPlane);
  if ((await budgets.list(organizationId)).length > 0) return false;
  const to = isoDay(now.getTime() + DAY_MS);
  const spent = await spend(costs, { organizationId, agentId: null, vendor: null }, isoDay(now.getTime() - 29 * DAY_MS), to);
  if (spent === 0n) return false;
  // Halfway between this month's spend so far and a whole month at the recent daily rate:
  // not yet used up, but on course to be.
  const month = periodWindow('MONTH', now);
  const daily = attoToNumber(spent) / 30;
  const amount = ((daily * (month.elapsedDays + month.days)) / 2).toFixed(2);
  const budget = await budgets.put(organizationId, { name: DEMO_BUDGET, period: 'MONTH', amount, alertThresholds: [0.8, 1] });
  await new CostAlertStore(controlPlane).create(organizationId, { name: `${DEMO_BUDGET}-forecast`, alertType: 'FORECAST', budgetId: budget.id });
  return true;
}
