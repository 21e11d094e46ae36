import type { Logger } from 'pino';
import type { ActivityLog } from '../logs/activity';
import type { Instruments } from '../metrics/instruments.generated';
import { audited, auditedRemoval } from '../audit/audited';
import type { AuditedRequest } from '../audit/context';
import { iso } from '../stores/clickhouse/time-text';
import type { ControlPlaneDb, SqlExecutor } from '../stores/postgres/types';
import type { Budget } from '@ai-arm/schemas';
import { AgentStore } from '../agents/store';
import { ApiError } from '../errors';
import { judgeLatestHour } from './anomaly';
import { BudgetStore } from './budgets';
import { attoToNumber, centsOf, usdText, usdToAtto } from './money';
import { DAY_MS, isoDay, periodWindow, type Period } from './periods';
import { forecastSpend, scopeQuery, spend, usd, type LedgerReader } from './spend';

export type CostAlertType = 'THRESHOLD' | 'ANOMALY' | 'FORECAST';

export interface CostAlertRow {
  id: string;
  name: string;
  agentId: string | null;
  alertType: CostAlertType;
  threshold: string | null;
  /** A FORECAST or THRESHOLD alert on a budget takes its amount, period and scope. */
  budgetId: string | null;
  period: Period;
  firing: boolean;
  triggeredAt: string | null;
  actualCost: string | null;
  message: string;
}

const SELECT = `SELECT id, name, agent_id AS "agentId", alert_type AS "alertType", threshold::text AS threshold, budget_id AS "budgetId", period, firing,
                       triggered_at AS "triggeredAt", actual_cost::text AS "actualCost", message FROM cost_alerts`;
const fromRow = (r: Omit<CostAlertRow, 'triggeredAt'> & { triggeredAt: Date | null }): CostAlertRow => ({ ...r, triggeredAt: r.triggeredAt?.toISOString() ?? null });

export class CostAlertStore {
  constructor(private readonly db: SqlExecutor) {}

  async list(organizationId: string): Promise<CostAlertRow[]> {
    return (await this.db.query<Parameters<typeof fromRow>[0]>(`${SELECT} WHERE organization_id = $1 ORDER BY name`, [organizationId])).map(fromRow);
  }

  async create(organizationId: string, a: { name: string; agentId?: string | null; alertType: CostAlertType; threshold?: string | null; budgetId?: string | null; period?: Period }): Promise<CostAlertRow> {
    const [row] = await this.db.query<{ id: string }>(
      'INSERT INTO cost_alerts (organization_id, name, agent_id, alert_type, threshold, budget_id, period) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
      [organizationId, a.name, a.agentId ?? null, a.alertType, a.threshold ?? null, a.budgetId ?? null, a.period ?? 'DAY'],
    );
    return (await this.list(organizationId)).find((x) => x.id === row!.id)!;
  }

  async remove(organizationId: string, id: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM cost_alerts WHERE organization_id = $1 AND id = $2 RETURNING id', [organizationId, id])).length > 0;
  }

  async record(organizationId: string, id: string, firing: boolean, actual: string, message: string): Promise<void> {
    await this.db.query(
      `UPDATE cost_alerts SET triggered_at = CASE WHEN $3 AND NOT firing THEN now() ELSE triggered_at END,
              firing = $3, actual_cost = $4, message = $5, updated_at = now() WHERE organization_id = $1 AND id = $2`,
      [organizationId, id, firing, actual, message],
    );
  }
}

/** The budget a new alert watches, if any; the budget and the agent it names must both be the organisation's own. */
async function alertTargets(db: SqlExecutor, organizationId: string, a: { budgetId?: string | null; agentId?: string | null }): Promise<Budget | undefined> {
  const budget = a.budgetId ? (await new BudgetStore(db).list(organizationId)).find((b) => b.id === a.budgetId) : undefined;
  if (a.budgetId && !budget) throw new ApiError('VALIDATION_ERROR', `unknown budget ${a.budgetId}`, { field: 'body/budgetId' });
  if (a.agentId && !(await new AgentStore(db).get(organizationId, a.agentId))) throw new ApiError('VALIDATION_ERROR', `unknown agent ${a.agentId}`, { field: 'body/agentId' });
  return budget;
}

export type NewCostAlert = Parameters<CostAlertStore['create']>[1];

/**
 * Creates a cost alert (audited) and evaluates it at once, so the caller sees whether it fires
 * on today's data; the budget and agent it names are checked first.
 */
export async function createCostAlert(costs: LedgerReader, db: ControlPlaneDb, request: AuditedRequest, a: NewCostAlert, now: Date): Promise<CostAlertRow> {
  const organizationId = request.organizationId;
  const budget = await alertTargets(db, organizationId, a);
  const created = (await audited(db, request, async (tx) => {
    const row = await new CostAlertStore(tx).create(organizationId, a);
    return { result: row, audit: { action: 'cost_alert.create', resourceType: 'cost_alert', resourceId: row.id, after: row } };
  }))!;
  const v = await judgeAlert(costs, organizationId, created, now, budget);
  const store = new CostAlertStore(db);
  await store.record(organizationId, created.id, v.firing, v.actual, v.message);
  return (await store.list(organizationId)).find((x) => x.id === created.id)!;
}

/** Removes one of the caller's cost alerts, audited; a 404 when there is none. */
export function removeCostAlert(db: ControlPlaneDb, request: AuditedRequest, id: string): Promise<CostAlertRow> {
  return auditedRemoval(db, request, id, {
    what: 'cost alert',
    resourceType: 'cost_alert',
    find: async (tx, org, alertId) => (await new CostAlertStore(tx).list(org)).find((x) => x.id === alertId),
    remove: (tx, x) => new CostAlertStore(tx).remove(request.organizationId, x.id),
  });
}

/** Whether one alert's condition holds now, with what it saw, in words. */
export async function judgeAlert(costs: LedgerReader, organizationId: string, alert: CostAlertRow, now: Date, budget?: Budget): Promise<{ firing: boolean; actual: string; message: string }> {
  // On a budget, the alert watches the budget's own scope, period and amount.
  const a = budget ? { ...alert, agentId: budget.agentId, period: budget.period, threshold: budget.amount } : alert;
  const scope = { organizationId, agentId: a.agentId, vendor: budget?.vendor ?? null };
  const w = periodWindow(a.period, now);
  const who = budget ? `budget "${budget.name}"` : a.agentId ? `agent ${a.agentId}` : 'the organisation';
  if (a.alertType === 'THRESHOLD') {
    const spent = await spend(costs, scope, w.from, w.to);
    const firing = spent > usdToAtto(a.threshold!);
    return { firing, actual: usdText(spent), message: `${who} spent $${centsOf(spent)} this ${a.period.toLowerCase()} (${budget ? 'budget' : 'threshold'} $${a.threshold})` };
  }
  if (a.alertType === 'FORECAST') {
    const spent = attoToNumber(await spend(costs, scope, w.from, w.to));
    const remainingDays = Math.max(0, Math.ceil(w.days - w.elapsedDays));
    const f = await forecastSpend(costs, scope, now, remainingDays);
    // Today is partly spent already: its forecast counts only the share of the day still to come.
    const todayLeft = 1 - (w.elapsedDays % 1);
    const projected = spent + (f.daily[0] ?? 0) * todayLeft + f.daily.slice(1).reduce((s, v) => s + v, 0);
    const firing = projected > Number(a.threshold);
    return { firing, actual: usd(projected), message: `${who} is forecast to spend $${usd(projected)} this ${a.period.toLowerCase()} (${budget ? 'budget' : 'threshold'} $${a.threshold})` };
  }
  const end = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  const start = end - 8 * DAY_MS;
  const cells = await costs.ledger({ ...scopeQuery(scope), from: isoDay(start), to: isoDay(end + DAY_MS) }, 'none', undefined, 'hour');
  const byHour = new Map<number, number>();
  for (const c of cells) {
    const t = Date.parse(iso(c.day));
    byHour.set(t, (byHour.get(t) ?? 0) + attoToNumber(c.cost));
  }
  // The judged hour is the last complete one.
  const hours = Array.from({ length: 8 * 24 }, (_, i) => byHour.get(start + i * 3_600_000) ?? 0);
  const v = judgeLatestHour(hours);
  return {
    firing: v.anomalous,
    actual: usd(v.value),
    message: `${who} spent $${usd(v.value)} in the hour to ${new Date(end).toISOString()} against a usual $${usd(v.baseline)} (robust z ${v.score.toFixed(1)})`,
  };
}

/** Evaluates every alert of an organisation, stores the outcome and sets ai_arm_cost_alert_firing. */
export async function evaluateAlerts(
  costs: LedgerReader,
  store: CostAlertStore,
  metrics: Instruments,
  log: Logger,
  organizationId: string,
  now: Date,
  budgets: readonly Budget[],
  activity?: ActivityLog,
  /** The organisation's alerts when the caller has listed them already. */
  listed?: readonly CostAlertRow[],
): Promise<void> {
  const byId = new Map(budgets.map((b) => [b.id, b]));
  const firing: [CostAlertRow, boolean][] = [];
  for (const a of listed ?? (await store.list(organizationId))) {
    const v = await judgeAlert(costs, organizationId, a, now, a.budgetId ? byId.get(a.budgetId) : undefined);
    if (v.firing !== a.firing) {
      log.warn({ alert: a.name, alertType: a.alertType, firing: v.firing, actual: v.actual }, v.firing ? `cost alert firing: ${v.message}` : `cost alert resolved: ${v.message}`);
      activity?.costAlert({ organizationId, name: a.name, alertType: a.alertType, firing: v.firing, actual: v.actual, message: v.message });
    }
    await store.record(organizationId, a.id, v.firing, v.actual, v.message);
    firing.push([a, v.firing]);
  }
  // This organisation's alerts only, replaced at once (a deleted alert's series goes with them).
  metrics.costAlertFiring.clear({ organization_id: organizationId });
  for (const [a, on] of firing) {
    metrics.costAlertFiring.set(on ? 1 : 0, { organization_id: organizationId, alert_name: a.name, alert_type: a.alertType.toLowerCase() as 'threshold' | 'anomaly' | 'forecast' });
  }
}

/** An organisation's cost alerts with what each last saw. */
export const listCostAlerts = (db: SqlExecutor, organizationId: string): Promise<CostAlertRow[]> => new CostAlertStore(db).list(organizationId);
