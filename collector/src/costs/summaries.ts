import type { CostBreakdownRow, CostPeriodTotal } from '@ai-arm/schemas';
import type { LedgerCell } from './ledger';
import { totalTokens } from './ledger';
import { usdText, usdToAtto, type Atto } from './money';
import type { CostQuery, CostService } from './service';
import { dailyBilledTotals } from './usage-query';
import type { SqlExecutor } from '../stores/postgres/types';
import { DAY_MS, isoDay, periodWindow } from './periods';

export const BREAKDOWNS = ['agent', 'model', 'vendor', 'project'] as const;
export type BreakdownBy = (typeof BREAKDOWNS)[number];

interface Totals {
  cost: Atto;
  tokens: number;
  requests: number;
  unpricedTokens: number;
}
const add = (t: Totals, c: LedgerCell) => {
  t.cost += c.cost;
  t.tokens += totalTokens(c.tokens);
  t.requests += c.requests;
  t.unpricedTokens += c.unpricedTokens;
};
const zero = (): Totals => ({ cost: 0n, tokens: 0, requests: 0, unpricedTokens: 0 });

/** Today, the last 7 days and the month to date: computed cost beside what the vendors billed. */
export async function summary(costs: CostService, organizationId: string, now: Date, filter: { vendor?: string; agentId?: string }): Promise<CostPeriodTotal[]> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const periods: { period: CostPeriodTotal['period']; from: string }[] = [
    { period: 'today', from: isoDay(today) },
    { period: 'week', from: isoDay(today - 6 * DAY_MS) },
    { period: 'month', from: periodWindow('MONTH', now).from },
  ];
  const to = isoDay(today + DAY_MS);
  const earliest = periods.map((p) => p.from).sort()[0]!;
  const q: CostQuery = { organizationId, from: earliest, to, ...filter };
  // Asked by every dashboard again and again: read once per change of the stored usage and bills.
  const [cells, billed] = await Promise.all([costs.ledger(q, 'none', undefined, 'day', true), filter.agentId ? [] : dailyBilledTotals(costs.reads, q)]);
  return periods.map((p) => {
    const t = zero();
    for (const c of cells) if (c.day >= p.from) add(t, c);
    const bill = billed.filter((b) => b.day >= p.from).reduce((s, b) => s + usdToAtto(b.usd), 0n);
    return {
      period: p.period,
      from: p.from,
      to: isoDay(today),
      computedCost: usdText(t.cost),
      // Bills arrive a day or so late, and never per agent.
      billedCost: filter.agentId ? null : usdText(bill),
      tokens: t.tokens,
      requests: t.requests,
      unpricedTokens: t.unpricedTokens,
      currency: 'USD',
    };
  });
}

/** Cost, tokens and requests split by agent, model, vendor or project, largest first. */
export async function breakdown(costs: CostService, controlPlane: SqlExecutor, q: CostQuery, by: BreakdownBy): Promise<CostBreakdownRow[]> {
  const cells = await costs.ledger(q, by === 'agent' ? 'agent' : by === 'project' ? 'project' : 'none');
  const groups = new Map<string, Totals & { vendor: string }>();
  for (const c of cells) {
    const key = by === 'model' ? `${c.vendor}|${c.model}` : by === 'vendor' ? c.vendor : `${c.vendor}|${c.dim}`;
    const g = groups.get(key) ?? { ...zero(), vendor: c.vendor };
    add(g, c);
    groups.set(key, g);
  }
  const names = by === 'agent' ? await agentNames(controlPlane, q.organizationId) : new Map<string, string>();
  const total = [...groups.values()].reduce((s, g) => s + g.cost, 0n);
  const rows = [...groups.entries()].map(([key, g]) => {
    const id = by === 'vendor' ? key : key.slice(key.indexOf('|') + 1);
    return {
      cost: g.cost,
      row: {
        key: id || null,
        name: by === 'agent' ? (id ? (names.get(id) ?? id) : 'unattributed') : id || '(none)',
        vendor: g.vendor,
        cost: usdText(g.cost),
        share: total > 0n ? Number((g.cost * 10000n) / total) / 10000 : 0,
        tokens: g.tokens,
        requests: g.requests,
        unpricedTokens: g.unpricedTokens,
      },
    };
  });
  // Largest first, compared on the exact amounts rather than parsed back from their text.
  return rows.sort((a, b) => (a.cost === b.cost ? a.row.name.localeCompare(b.row.name) : a.cost < b.cost ? 1 : -1)).map((r) => r.row);
}

/** The organisation's agents' names by id, for the breakdown's rows. */
async function agentNames(db: SqlExecutor, organizationId: string): Promise<Map<string, string>> {
  return new Map((await db.query<{ id: string; name: string }>('SELECT id, name FROM agents WHERE organization_id = $1', [organizationId])).map((a) => [a.id, a.name]));
}
