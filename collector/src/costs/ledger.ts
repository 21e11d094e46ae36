import type { Atto } from './money';
import { TOKEN_TYPES, type PriceBook, type TokenCounts } from './price-book';
import { priceCell } from './pricing';
import type { DailyUsage } from './usage-query';

/** Priced usage of one vendor, model and day (and dimension value). */
export interface LedgerCell {
  day: string;
  vendor: string;
  model: string;
  dim: string;
  requests: number;
  tokens: TokenCounts;
  /**
   * Exact cost of the priced part, and of its output tokens alone. Never rounded here: sums of
   * cells are then exactly the cost of what they cover, and rounding happens where it is shown.
   */
  cost: Atto;
  outputCost: Atto;
  /** Tokens of usage the price table cannot price for its date, token type, tier and context window, and why. */
  unpricedTokens: number;
  unpricedReason?: string;
}

export const zeroTokens = (): TokenCounts => ({ input: 0, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 0 });
export const totalTokens = (t: TokenCounts) => TOKEN_TYPES.reduce((s, k) => s + t[k], 0);

/** Prices daily usage: rows that differ only in tier or context window are summed into one cell per vendor, model, day and dimension. */
export function priceUsage(rows: readonly DailyUsage[], book: PriceBook): LedgerCell[] {
  const cells = new Map<string, LedgerCell>();
  for (const r of rows) {
    const key = `${r.day}|${r.vendor}|${r.model}|${r.dim}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { day: r.day, vendor: r.vendor, model: r.model, dim: r.dim, requests: 0, tokens: zeroTokens(), cost: 0n, outputCost: 0n, unpricedTokens: 0 };
      cells.set(key, cell);
    }
    const tokens: TokenCounts = { input: r.input, cache_read: r.cache_read, cache_write_5m: r.cache_write_5m, cache_write_1h: r.cache_write_1h, output: r.output };
    cell.requests += r.requests;
    for (const t of TOKEN_TYPES) cell.tokens[t] += tokens[t];
    const priced = priceCell(book, { vendor: r.vendor, model: r.model, day: r.day, serviceTier: r.service_tier, contextWindow: r.context_window, tokens });
    cell.cost += priced.cost;
    cell.outputCost += priced.outputCost;
    for (const u of priced.unpriced) {
      cell.unpricedTokens += u.tokens;
      cell.unpricedReason ??= u.reason;
    }
  }
  return [...cells.values()];
}

/** The exact cost of a set of cells. */
export const costOf = (cells: Iterable<{ cost: Atto }>): Atto => {
  let sum = 0n;
  for (const c of cells) sum += c.cost;
  return sum;
};
