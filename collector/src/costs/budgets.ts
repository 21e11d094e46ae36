import type { Budget } from '@ai-arm/schemas';
import { ApiError } from '../errors';
import { audited, auditedRemoval } from '../audit/audited';
import type { AuditedRequest } from '../audit/context';
import type { ControlPlaneDb, SqlExecutor } from '../stores/postgres/types';
import { periodWindow, type Period } from './periods';
import { spend, type LedgerReader } from './spend';
import { centsOf, usdText, usdToAtto } from './money';

export interface BudgetInput {
  name: string;
  agentId?: string | null;
  vendor?: Budget['vendor'];
  period: Period;
  amount: string;
  alertThresholds?: number[];
}

export interface BudgetStatus {
  period: { from: string; to: string };
  spent: string;
  remaining: string;
  spentRatio: number;
  /** The highest alert threshold the spend has crossed, or null. */
  crossed: number | null;
}

interface Row {
  id: string;
  name: string;
  agent_id: string | null;
  vendor: Budget['vendor'];
  period: Period;
  amount: string;
  currency: string;
  alert_thresholds: number[];
  created_at: Date;
  updated_at: Date;
}

const toBudget = (organizationId: string, r: Row): Budget => ({
  id: r.id,
  organizationId,
  name: r.name,
  agentId: r.agent_id,
  vendor: r.vendor,
  period: r.period,
  // numeric(18,2) comes as text: read exactly (through a float, 1234567890123456.78 came back .75).
  amount: centsOf(usdToAtto(String(r.amount))),
  currency: r.currency,
  alertThresholds: r.alert_thresholds,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** Budgets of an organisation: a name is the key, so POSTing the same name again updates it. */
export class BudgetStore {
  constructor(private readonly db: SqlExecutor) {}

  async list(organizationId: string): Promise<Budget[]> {
    const rows = await this.db.query<Row>('SELECT * FROM budgets WHERE organization_id = $1 ORDER BY name', [organizationId]);
    return rows.map((r) => toBudget(organizationId, r));
  }

  async put(organizationId: string, b: BudgetInput): Promise<Budget> {
    if (b.agentId) {
      const [agent] = await this.db.query('SELECT 1 FROM agents WHERE organization_id = $1 AND id = $2', [organizationId, b.agentId]);
      if (!agent) throw new ApiError('VALIDATION_ERROR', `unknown agent ${b.agentId}`, { field: 'body/agentId' });
    }
    const [row] = await this.db.query<Row>(
      `INSERT INTO budgets (organization_id, name, agent_id, vendor, period, amount, alert_thresholds) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (organization_id, name) DO UPDATE SET agent_id = EXCLUDED.agent_id, vendor = EXCLUDED.vendor, period = EXCLUDED.period,
         amount = EXCLUDED.amount, alert_thresholds = EXCLUDED.alert_thresholds, updated_at = now()
       RETURNING *`,
      [organizationId, b.name, b.agentId ?? null, b.vendor ?? null, b.period, b.amount, JSON.stringify(b.alertThresholds ?? [0.8, 1])],
    );
    return toBudget(organizationId, row!);
  }

  async remove(organizationId: string, id: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM budgets WHERE organization_id = $1 AND id = $2 RETURNING id', [organizationId, id])).length > 0;
  }
}

/** How much of a budget its current period has used. */
export async function budgetStatus(costs: LedgerReader, b: Budget, now: Date): Promise<BudgetStatus> {
  const w = periodWindow(b.period, now);
  const spent = await spend(costs, b, w.from, w.to);
  const amount = usdToAtto(b.amount);
  const ratio = amount > 0n ? Number((spent * 1_000_000n) / amount) / 1_000_000 : 0;
  const crossed = [...b.alertThresholds].sort((x, y) => y - x).find((t) => ratio >= t) ?? null;
  return { period: { from: w.from, to: w.to }, spent: usdText(spent), remaining: usdText(amount - spent > 0n ? amount - spent : 0n), spentRatio: Math.round(ratio * 10000) / 10000, crossed };
}

/** Sets a budget (the same name again updates it), audited as a create or an update. */
export async function saveBudget(db: ControlPlaneDb, request: AuditedRequest, input: BudgetInput): Promise<Budget> {
  return (await audited(db, request, async (tx) => {
    const store = new BudgetStore(tx);
    const before = (await store.list(request.organizationId)).find((b) => b.name === input.name) ?? null;
    const after = await store.put(request.organizationId, input);
    return { result: after, audit: { action: before ? 'budget.update' : 'budget.create', resourceType: 'budget', resourceId: after.id, before, after } };
  }))!;
}

/** Removes one of the caller's budgets, audited; a 404 when there is none. */
export function removeBudget(db: ControlPlaneDb, request: AuditedRequest, id: string): Promise<Budget> {
  return auditedRemoval(db, request, id, {
    what: 'budget',
    resourceType: 'budget',
    find: async (tx, org, budgetId) => (await new BudgetStore(tx).list(org)).find((b) => b.id === budgetId),
    remove: (tx, b) => new BudgetStore(tx).remove(b.organizationId, b.id),
  });
}

/** Every budget of an organisation with its current period's spend. */
export async function budgetsWithStatus(costs: LedgerReader, db: SqlExecutor, organizationId: string, now: Date): Promise<(Budget & { status: BudgetStatus })[]> {
  const list = await new BudgetStore(db).list(organizationId);
  return Promise.all(list.map(async (b) => ({ ...b, status: await budgetStatus(costs, b, now) })));
}
