import type { Logger } from 'pino';
import type { ActivityLog } from '../logs/activity';
import type { Instruments } from '../metrics/instruments.generated';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { BudgetStore, budgetStatus } from './budgets';
import { CostAlertStore, evaluateAlerts } from './cost-alerts';
import { refreshMonthToDate } from './month-to-date';
import type { CostService } from './service';

/**
 * After a connection's reports are stored: the month-to-date reconciliation gauges, every
 * budget's spent ratio and every cost alert of the organisation, evaluated on fresh data.
 */
export function costStateRefresher(costs: CostService, controlPlane: ControlPlaneDb, metrics: Instruments, log: Logger, activity?: ActivityLog) {
  const budgets = new BudgetStore(controlPlane);
  const alerts = new CostAlertStore(controlPlane);
  return async (organizationId: string, now: Date): Promise<void> => {
    await refreshMonthToDate(costs, controlPlane, metrics, now);
    for (const b of await budgets.list(organizationId)) metrics.budgetSpentRatio.set((await budgetStatus(costs, b, now)).spentRatio, { budget: b.name });
    await evaluateAlerts(costs, alerts, metrics, log, organizationId, now, activity);
  };
}
