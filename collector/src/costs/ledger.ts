import { ATTO_PER_CENT, toCents, type Atto } from './money';
import { TOKEN_TYPES, type PriceBook, type TokenCounts } from './price-book';
import type { DailyUsage } from './usage-query';

/** Priced usage of one vendor, model and day (and dimension value): the grain costs are rounded at. */
export interface LedgerCell {
  day: string;
  vendor: string;
  model: string;
  dim: string;
  requests: number;
  tokens: TokenCounts;
  /** Unrounded cost of the priced part, and of its output tokens alone. */
  cost: Atto;
  outputCost: Atto;
  /** Whole cents: the vendor, model and day rounded once, shared among its cells (see allocateCents). */
  cents: bigint;
  /** Tokens of usage the price table cannot price, and why. */
  unpricedTokens: number;
  unpricedReason?: string;
}

export const zeroTokens = (): TokenCounts => ({ input: 0, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 0 });
export const totalTokens = (t: TokenCounts) => TOKEN_TYPES.reduce((s, k) => s + t[k], 0);

/**
 * Prices daily usage. Rows that differ only in tier or context window are summed unrounded
 * into one cell per vendor, model, day and dimension, which is then rounded once.
 */
export function priceUsage(rows: readonly DailyUsage[], book: PriceBook): LedgerCell[] {
  const cells = new Map<string, LedgerCell>();
  for (const r of rows) {
    const key = `${r.day}|${r.vendor}|${r.model}|${r.dim}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { day: r.day, vendor: r.vendor, model: r.model, dim: r.dim, requests: 0, tokens: zeroTokens(), cost: 0n, outputCost: 0n, cents: 0n, unpricedTokens: 0 };
      cells.set(key, cell);
    }
    const tokens: TokenCounts = { input: r.input, cache_read: r.cache_read, cache_write_5m: r.cache_write_5m, cache_write_1h: r.cache_write_1h, output: r.output };
    cell.requests += r.requests;
    for (const t of TOKEN_TYPES) cell.tokens[t] += tokens[t];
    const priced = book.price({ vendor: r.vendor, model: r.model, day: r.day, serviceTier: r.service_tier, contextWindow: r.context_window, tokens });
    if (priced.priced) {
      cell.cost += priced.cost;
      cell.outputCost += priced.byType.output;
    } else {
      cell.unpricedTokens += totalTokens(tokens);
      cell.unpricedReason = priced.reason;
    }
  }
  const out = [...cells.values()];
  allocateCents(out);
  return out;
}

/**
 * Rounds once per vendor, model and day, then shares those cents among the day's cells
 * (agents, projects) by largest remainder: every split adds up to the same rounded total.
 */
function allocateCents(cells: LedgerCell[]): void {
  const groups = new Map<string, LedgerCell[]>();
  for (const c of cells) {
    const key = `${c.day}|${c.vendor}|${c.model}`;
    const g = groups.get(key);
    if (g) g.push(c);
    else groups.set(key, [c]);
  }
  for (const group of groups.values()) {
    let left = toCents(group.reduce((s, c) => s + c.cost, 0n));
    for (const c of group) {
      c.cents = c.cost / ATTO_PER_CENT;
      left -= c.cents;
    }
    const byRemainder = [...group].sort((a, b) => {
      const d = (b.cost % ATTO_PER_CENT) - (a.cost % ATTO_PER_CENT);
      return d > 0n ? 1 : d < 0n ? -1 : a.dim.localeCompare(b.dim);
    });
    for (let i = 0; left > 0n; i++, left--) byRemainder[i % byRemainder.length]!.cents += 1n;
  }
}
