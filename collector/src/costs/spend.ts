import { forecastDaily, type Forecast } from './forecast';
import { costOf, type LedgerCell } from './ledger';
import { attoToNumber, centsText, type Atto } from './money';
import { DAY_MS, isoDay } from './periods';
import type { PriceBook } from './price-book';
import type { CostQuery } from './service';
import type { Dimension } from './usage-query';

export interface SpendScope {
  organizationId: string;
  agentId?: string | null;
  vendor?: string | null;
}

/**
 * Where priced usage is read from: the cost engine itself (a read per call), or one refresh's
 * snapshot (each window read once, shared by every consumer of that refresh).
 */
export interface LedgerReader {
  ledger(q: CostQuery, by: Dimension, book?: PriceBook, grain?: 'day' | 'hour'): Promise<LedgerCell[]>;
}

/** Days of computed spend a forecast is built on. */
export const FORECAST_HISTORY_DAYS = 56;

/** The cost engine's query for a scope; `ledger` itself keeps only the agent when one is named. */
export const scopeQuery = (s: SpendScope) => ({ organizationId: s.organizationId, ...(s.agentId ? { agentId: s.agentId } : {}), ...(s.vendor ? { vendor: s.vendor } : {}) });

/** Exact computed spend over [from, to). */
export async function spend(costs: LedgerReader, s: SpendScope, from: string, to: string): Promise<Atto> {
  return costOf(await costs.ledger({ ...scopeQuery(s), from, to }, 'none'));
}

export interface DailySpend {
  days: string[];
  usd: number[];
}

/** Computed spend per day, oldest first, for the `days` days before `now`'s day (today excluded: it is not over). */
export async function dailySpend(costs: LedgerReader, s: SpendScope, now: Date, days: number): Promise<DailySpend> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const from = today - days * DAY_MS;
  const cells = await costs.ledger({ ...scopeQuery(s), from: isoDay(from), to: isoDay(today) }, 'none');
  const byDay = new Map<string, Atto>();
  for (const c of cells) byDay.set(c.day, (byDay.get(c.day) ?? 0n) + c.cost);
  const labels = Array.from({ length: days }, (_, i) => isoDay(from + i * DAY_MS));
  return { days: labels, usd: labels.map((d) => attoToNumber(byDay.get(d) ?? 0n)) };
}

/** The spend a forecast is built on: the last 56 days. Read it once and forecast each horizon from it. */
export const forecastHistory = (costs: LedgerReader, s: SpendScope, now: Date) => dailySpend(costs, s, now, FORECAST_HISTORY_DAYS);

/** Forecast of the next `horizon` days from a history read by `forecastHistory`. */
export function forecastFrom({ days, usd }: DailySpend, horizon: number): Forecast & { history: number } {
  // Leading days before any spend are not part of the series (a new agent, a new connection).
  const first = usd.findIndex((v) => v > 0);
  const series = first < 0 ? [] : usd.slice(first);
  const weekday = first < 0 ? 0 : new Date(`${days[first]}T00:00:00Z`).getUTCDay();
  return { ...forecastDaily(series, horizon, weekday), history: series.length };
}

/** Forecast of the next `horizon` days from the last 56 days of computed spend. */
export async function forecastSpend(costs: LedgerReader, s: SpendScope, now: Date, horizon: number): Promise<Forecast & { history: number }> {
  return forecastFrom(await forecastHistory(costs, s, now), horizon);
}

export const usd = (n: number) => centsText(BigInt(Math.round(n * 100)));
