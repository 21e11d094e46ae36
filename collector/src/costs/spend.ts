import { forecastDaily, type Forecast } from './forecast';
import { costOf } from './ledger';
import { attoToNumber, centsText, type Atto } from './money';
import { DAY_MS, isoDay } from './periods';
import type { CostService } from './service';

export interface SpendScope {
  organizationId: string;
  agentId?: string | null;
  vendor?: string | null;
}

/** The cost engine's query for a scope; `ledger` itself keeps only the agent when one is named. */
export const scopeQuery = (s: SpendScope) => ({ organizationId: s.organizationId, ...(s.agentId ? { agentId: s.agentId } : {}), ...(s.vendor ? { vendor: s.vendor } : {}) });

/** Exact computed spend over [from, to). */
export async function spend(costs: CostService, s: SpendScope, from: string, to: string): Promise<Atto> {
  return costOf(await costs.ledger({ ...scopeQuery(s), from, to }, 'none'));
}

/** Computed spend per day, oldest first, for the `days` days before `now`'s day (today excluded: it is not over). */
export async function dailySpend(costs: CostService, s: SpendScope, now: Date, days: number): Promise<{ days: string[]; usd: number[] }> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const from = today - days * DAY_MS;
  const cells = await costs.ledger({ ...scopeQuery(s), from: isoDay(from), to: isoDay(today) }, 'none');
  const byDay = new Map<string, Atto>();
  for (const c of cells) byDay.set(c.day, (byDay.get(c.day) ?? 0n) + c.cost);
  const labels = Array.from({ length: days }, (_, i) => isoDay(from + i * DAY_MS));
  return { days: labels, usd: labels.map((d) => attoToNumber(byDay.get(d) ?? 0n)) };
}

/** Forecast of the next `horizon` days from the last 56 days of computed spend. */
export async function forecastSpend(costs: CostService, s: SpendScope, now: Date, horizon: number): Promise<Forecast & { history: number }> {
  const { days, usd } = await dailySpend(costs, s, now, 56);
  // Leading days before any spend are not part of the series (a new agent, a new connection).
  const first = usd.findIndex((v) => v > 0);
  const series = first < 0 ? [] : usd.slice(first);
  const weekday = first < 0 ? 0 : new Date(`${days[first]}T00:00:00Z`).getUTCDay();
  return { ...forecastDaily(series, horizon, weekday), history: series.length };
}

export const usd = (n: number) => centsText(BigInt(Math.round(n * 100)));
