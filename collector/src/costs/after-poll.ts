import type { Logger } from 'pino';
import type { ActivityLog } from '../logs/activity';
import type { Instruments } from '../metrics/instruments.generated';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { BudgetStore, budgetStatus } from './budgets';
import { CostAlertStore, evaluateAlerts } from './cost-alerts';
import { refreshMonthToDate } from './month-to-date';
import { periodWindow } from './periods';
import type { CostService } from './service';
import { CostSnapshot } from './snapshot';

/**
 * After a connection's reports are stored: the month-to-date reconciliation gauges, every
 * budget's spent ratio and every cost alert of the organisation, evaluated on fresh data. All
 * of them read one snapshot: each window (the month, the week, the forecast's history, the
 * anomaly hours) is read once per refresh, however many budgets and alerts look at it.
 */
export function costStateRefresher(costs: CostService, controlPlane: ControlPlaneDb, metrics: Instruments, log: Logger, activity?: ActivityLog) {
  const budgets = new BudgetStore(controlPlane);
  const alerts = new CostAlertStore(controlPlane);
  const warned = new Set<string>();
  return async (organizationId: string, now: Date): Promise<void> => {
    const list = await budgets.list(organizationId);
    const watched = await alerts.list(organizationId);
    const byId = new Map(list.map((b) => [b.id, b]));
    // The periods the budgets and alerts watch (an alert on a budget watches the budget's), and the forecast's history if an alert forecasts.
    const periods = new Set([...list.map((b) => b.period), ...watched.map((a) => (a.budgetId ? byId.get(a.budgetId)?.period : undefined) ?? a.period)]);
    const snapshot = CostSnapshot.forRefresh(costs, organizationId, now, { periods, history: watched.some((a) => a.alertType === 'FORECAST') });
    await refreshMonthToDate(snapshot, metrics, organizationId, now);
    // History counts too: a model the table lacks is logged once, whether or not it is live traffic.
    const month = periodWindow('MONTH', now);
    for (const c of await snapshot.ledger({ organizationId, from: month.from, to: month.to }, 'none')) {
      const key = `${organizationId}|${c.vendor}|${c.model}`;
      if (c.unpricedTokens === 0 || warned.has(key)) continue;
      warned.add(key);
      log.warn({ organizationId, vendor: c.vendor, model: c.model, reason: c.unpricedReason }, 'usage the price table cannot price: reported as unpriced (GET /api/v1/costs/reconciliation), not priced at zero; add a contract price with POST /api/v1/costs/prices');
    }
    const statuses = await Promise.all(list.map(async (b) => ({ b, status: await budgetStatus(snapshot, b, now) })));
    // This organisation's budgets only, replaced at once: a deleted budget's series goes, and a
    // same-named budget of another organisation is another series.
    const org = { organization_id: organizationId };
    metrics.budgetSpentRatio.clear(org);
    metrics.budgetPeriod.clear(org);
    for (const { b, status } of statuses) {
      metrics.budgetSpentRatio.set(status.spentRatio, { ...org, budget: b.name });
      metrics.budgetPeriod.set((Date.parse(status.period.to) - Date.parse(status.period.from)) / 1000, { ...org, budget: b.name });
    }
    await evaluateAlerts(snapshot, alerts, metrics, log, organizationId, now, list, activity, watched);
  };
}
