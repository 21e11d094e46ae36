import { BILLING_RULES as R, type SimModel } from './catalog';
import type { UsageCell } from './traffic';

/** One billed line: what a vendor's cost report itemises. */
export interface BilledLine {
  tokenType: 'input' | 'cache_read' | 'cache_write_5m' | 'cache_write_1h' | 'output';
  tokens: number;
  /** USD, unrounded. */
  amount: number;
}

/**
 * The simulator's model of each vendor's bill for one usage cell: list prices, OpenAI's
 * cached-input column, Anthropic's cache write and read multipliers, the batch discount and
 * Anthropic's long-context tier. Written from the vendors' pricing pages, not from the
 * collector's engine.
 */
export function bill(cell: UsageCell, model: SimModel): BilledLine[] {
  const perToken = (usdPerMillion: number) => usdPerMillion / 1_000_000;
  const tier = cell.batch ? R.batchDiscount : 1;
  const lines: BilledLine[] = [];
  const push = (tokenType: BilledLine['tokenType'], tokens: number, price: number) => {
    if (tokens > 0) lines.push({ tokenType, tokens, amount: tokens * perToken(price) * tier });
  };
  if (cell.vendor === 'openai') {
    push('input', cell.uncachedInput, model.input);
    push('cache_read', cell.cacheRead, model.cachedInput);
    push('output', cell.output, model.output);
    return lines;
  }
  const inMul = cell.longContext ? R.anthropicLongContextInput : 1;
  const outMul = cell.longContext ? R.anthropicLongContextOutput : 1;
  push('input', cell.uncachedInput, model.input * inMul);
  push('cache_read', cell.cacheRead, model.input * R.anthropicCacheRead * inMul);
  push('cache_write_5m', cell.cacheWrite5m, model.input * R.anthropicCacheWrite5m * inMul);
  push('cache_write_1h', cell.cacheWrite1h, model.input * R.anthropicCacheWrite1h * inMul);
  push('output', cell.output, model.output * outMul);
  return lines;
}
