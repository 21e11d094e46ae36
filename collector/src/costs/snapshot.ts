import type { CostRecord } from '@ai-arm/schemas';
import type { LedgerCell } from './ledger';
import { priceUsage } from './ledger';
import type { PriceBook } from './price-book';
import { DAY_MS, isoDay, periodWindow, type Period } from './periods';
import { PROJECT_AGENT_SEPARATOR, reconcile, type CostQuery, type CostService, type ReconcileReader } from './service';
import { FORECAST_HISTORY_DAYS, type LedgerReader } from './spend';
import { dailyBilled, dailyUsage, type DailyBilled, type DailyUsage, type Dimension } from './usage-query';
import type { AttributionRule } from './attribution';

/** The dimensions a snapshot can answer: every one it derives from project and agent together. */
const DERIVED: Partial<Record<Dimension, (projectAgent: string) => string>> = {
  none: () => '',
  agent: (d) => d.slice(d.indexOf(PROJECT_AGENT_SEPARATOR) + 1),
  project: (d) => d.slice(0, d.indexOf(PROJECT_AGENT_SEPARATOR)),
  project_agent: (d) => d,
};

/**
 * One organisation's usage as a cost refresh sees it: the daily usage of one window (the month,
 * and the periods and forecast history its budgets and alerts watch, together) read once per
 * project and agent; the bills, the anomaly hours (per agent), the price book and the
 * attribution rules each read once when first asked; and every consumer's ledger (month to date, reconciliation, unpriced warnings, each
 * budget and each cost alert) derived from them. The rows are summed in memory to the
 * dimension asked, exactly as ClickHouse would group them, and priced the same way, so each
 * answer equals the cost engine's own.
 */
export class CostSnapshot implements LedgerReader, ReconcileReader {
  private usage?: Promise<DailyUsage[]>;
  private rules?: Promise<AttributionRule[]>;
  private book?: Promise<PriceBook>;
  private readonly bills = new Map<string, Promise<DailyBilled[]>>();
  private readonly hourly = new Map<string, Promise<DailyUsage[]>>();

  constructor(
    private readonly costs: CostService,
    readonly organizationId: string,
    /** The days read, YYYY-MM-DD, `to` exclusive. */
    readonly window: { from: string; to: string },
  ) {}

  /**
   * What a refresh at `now` reads: the month (month to date, reconciliation), and the periods
   * its budgets and alerts watch and the forecast's history when they need them; all of them
   * unless told. A window no consumer needs is not read.
   */
  static forRefresh(costs: CostService, organizationId: string, now: Date, needs: { periods: Iterable<Period>; history: boolean } = { periods: ['DAY', 'WEEK'], history: true }): CostSnapshot {
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const windows = [periodWindow('MONTH', now), ...[...needs.periods].map((p) => periodWindow(p, now))];
    if (needs.history) windows.push({ ...periodWindow('DAY', now), from: isoDay(today - FORECAST_HISTORY_DAYS * DAY_MS) });
    const from = windows.map((w) => w.from).sort()[0]!;
    const to = windows.map((w) => w.to).sort().at(-1)!;
    return new CostSnapshot(costs, organizationId, { from, to });
  }

  priceBook(organizationId: string): Promise<PriceBook> {
    this.own(organizationId);
    return (this.book ??= this.costs.priceBook(organizationId));
  }

  /** The cost engine's ledger for a query inside the window (day or hour grain). */
  async ledger(q: CostQuery, by: Dimension, book?: PriceBook, grain: 'day' | 'hour' = 'day'): Promise<LedgerCell[]> {
    this.own(q.organizationId);
    const derive = DERIVED[by];
    if (!derive || (grain === 'hour' && by !== 'none' && by !== 'agent')) throw new Error(`a cost snapshot cannot split ${grain}s by ${by}`);
    const rows = grain === 'hour' ? await this.hourRows(q) : await this.dayRows(q);
    // One agent's cells are split by agent, as the cost engine splits them.
    const dim = q.agentId ? DERIVED.agent! : derive;
    const agentOf = DERIVED.agent!;
    const kept = rows.filter((r) => r.day >= q.from && r.day < q.to && (!q.vendor || r.vendor === q.vendor) && (!q.agentId || agentOf(r.dim) === q.agentId));
    return priceUsage(regroup(kept, dim), book ?? (await this.priceBook(q.organizationId)));
  }

  billed(q: CostQuery): Promise<DailyBilled[]> {
    this.own(q.organizationId);
    const key = JSON.stringify([q.from, q.to, q.vendor ?? null]);
    let bills = this.bills.get(key);
    if (!bills) this.bills.set(key, (bills = dailyBilled(this.costs.telemetry, q)));
    return bills;
  }

  reconcile(q: CostQuery): Promise<CostRecord[]> {
    return reconcile(this, q);
  }

  private async dayRows(q: CostQuery): Promise<DailyUsage[]> {
    if (q.from < this.window.from || q.to > this.window.to) throw new Error(`${q.from}..${q.to} is outside the cost snapshot's ${this.window.from}..${this.window.to}`);
    return (this.usage ??= this.read({ ...this.window, grain: 'day' }));
  }

  /**
   * Hours of a range read once (every anomaly alert of a refresh judges the same hours), by
   * agent only (an alert scopes by nothing else), kept in the project-and-agent form with no project.
   */
  private hourRows(q: CostQuery): Promise<DailyUsage[]> {
    const key = `${q.from}|${q.to}`;
    let rows = this.hourly.get(key);
    if (!rows) {
      rows = this.read({ from: q.from, to: q.to, grain: 'hour' }, 'agent').then((rs) => rs.map((r) => ({ ...r, dim: `${PROJECT_AGENT_SEPARATOR}${r.dim}` })));
      this.hourly.set(key, rows);
    }
    return rows;
  }

  private async read(w: { from: string; to: string; grain: 'day' | 'hour' }, by: Dimension = 'project_agent'): Promise<DailyUsage[]> {
    const rules = await (this.rules ??= this.costs.attribution.list(this.organizationId));
    return dailyUsage(this.costs.telemetry, { organizationId: this.organizationId, ...w, by, rules });
  }

  private own(organizationId: string) {
    if (organizationId !== this.organizationId) throw new Error(`a cost snapshot of ${this.organizationId} was asked for ${organizationId}`);
  }
}

const TOKENS = ['requests', 'input', 'cache_read', 'cache_write_5m', 'cache_write_1h', 'output'] as const;

/** Rows summed to another dimension, in ClickHouse's order (day, vendor, model, dimension). */
function regroup(rows: readonly DailyUsage[], dim: (projectAgent: string) => string): DailyUsage[] {
  const out = new Map<string, DailyUsage>();
  for (const r of rows) {
    const d = dim(r.dim);
    const key = [r.day, r.vendor, r.model, r.service_tier, r.context_window, d].join('\u0000');
    const g = out.get(key);
    if (!g) out.set(key, { ...r, dim: d });
    else for (const t of TOKENS) g[t] += r[t];
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...out.values()].sort((a, b) => cmp(a.day, b.day) || cmp(a.vendor, b.vendor) || cmp(a.model, b.model) || cmp(a.dim, b.dim));
}
