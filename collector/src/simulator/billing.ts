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
 * cached-input column and its flex and priority tier prices, Anthropic's cache write and read
 * multipliers, the batch discount and Anthropic's long-context tier. Written from the vendors' pricing pages, not from the
 * collector's engine.
 */
export function bill(cell: UsageCell, model: SimModel): BilledLine[] {
  const tier = cell.batch ? R.batchDiscount : 1;
  const lines: BilledLine[] = [];
  if (cell.vendor === 'openai') {
    const p = cell.tier === 'default' ? model : model[cell.tier];
    if (!p) throw new Error(`${model.id} is not offered at the ${cell.tier} tier`);
    line(lines, 'input', cell.uncachedInput, p.input, tier);
    line(lines, 'cache_read', cell.cacheRead, p.cachedInput, tier);
    line(lines, 'output', cell.output, p.output, tier);
    return lines;
  }
  const inMul = cell.longContext ? R.anthropicLongContextInput : 1;
  const outMul = cell.longContext ? R.anthropicLongContextOutput : 1;
  line(lines, 'input', cell.uncachedInput, model.input * inMul, tier);
  line(lines, 'cache_read', cell.cacheRead, model.input * R.anthropicCacheRead * inMul, tier);
  line(lines, 'cache_write_5m', cell.cacheWrite5m, model.input * R.anthropicCacheWrite5m * inMul, tier);
  line(lines, 'cache_write_1h', cell.cacheWrite1h, model.input * R.anthropicCacheWrite1h * inMul, tier);
  line(lines, 'output', cell.output, model.output * outMul, tier);
  return lines;
}

// Module level, not a closure in bill(): bill() runs for every cell of a 10,000-agent day.
function line(lines: BilledLine[], tokenType: BilledLine['tokenType'], tokens: number, usdPerMillion: number, tier: number): void {
  if (tokens > 0) lines.push({ tokenType, tokens, amount: tokens * (usdPerMillion / 1_000_000) * tier });
}

/** A cost report's group: billed amount and tokens, and one of its cells for the fields the group is named by. */
export interface BilledGroup {
  cell: UsageCell;
  /** Null when the report is not itemised by token type. */
  tokenType: BilledLine['tokenType'] | null;
  amount: number;
  tokens: number;
}

/**
 * Bills every cell and sums the lines into the groups a cost report asks for: `groupOf`
 * names a cell's group, and `byTokenType` splits each group by line. Sums run in cell order,
 * then line order, as a line-by-line loop over one map would, so the amounts are the same
 * to the last bit; the key is built once per cell rather than once per line.
 */
export function billedGroups(cells: readonly UsageCell[], models: ReadonlyMap<string, SimModel>, groupOf: (cell: UsageCell) => string, byTokenType: boolean): BilledGroup[] {
  const groups = new Map<string, Map<BilledLine['tokenType'] | null, BilledGroup>>();
  for (const cell of cells) {
    const id = groupOf(cell);
    let lines = groups.get(id);
    if (!lines) groups.set(id, (lines = new Map()));
    for (const l of bill(cell, models.get(cell.model)!)) {
      const tokenType = byTokenType ? l.tokenType : null;
      let g = lines.get(tokenType);
      if (!g) lines.set(tokenType, (g = { cell, tokenType, amount: 0, tokens: 0 }));
      g.amount += l.amount;
      g.tokens += l.tokens;
    }
  }
  return [...groups.values()].flatMap((lines) => [...lines.values()]);
}
