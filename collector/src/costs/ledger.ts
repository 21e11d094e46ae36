import { toCents, type Atto } from './money';
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
  /** `cost` rounded once, to the cent. */
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
  for (const c of out) c.cents = toCents(c.cost);
  return out;
}
