import { TOKEN_TYPES, type PriceBook, type TokenType, type UsageCell } from './price-book';
import type { Atto } from './money';

/** Tokens of one type the price book cannot price for their date, tier and context window, and why. */
export interface UnpricedPart {
  type: TokenType;
  tokens: number;
  reason: string;
}

export interface PricedCell {
  /** Exact cost of the tokens that could be priced, and of their output tokens alone. */
  cost: Atto;
  outputCost: Atto;
  unpriced: UnpricedPart[];
}

const only = (type: TokenType, n: number) => ({ input: 0, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 0, [type]: n });

/**
 * Prices a usage cell, and when the book cannot price all of it, prices it type by type: a
 * missing cache-write rate leaves the input and output priced and reports the cache writes as
 * unpriced, instead of dropping the whole cell or pricing the cache writes at zero.
 */
export function priceCell(book: PriceBook, cell: UsageCell): PricedCell {
  const whole = book.price(cell);
  if (whole.priced) return { cost: whole.cost, outputCost: whole.byType.output, unpriced: [] };
  const out: PricedCell = { cost: 0n, outputCost: 0n, unpriced: [] };
  for (const type of TOKEN_TYPES) {
    const n = cell.tokens[type];
    if (n <= 0) continue;
    const part = book.price({ ...cell, tokens: only(type, n) });
    if (!part.priced) out.unpriced.push({ type, tokens: n, reason: part.reason });
    else {
      out.cost += part.cost;
      if (type === 'output') out.outputCost += part.cost;
    }
  }
  return out;
}

/**
 * Why the book cannot price a line of the vendor's bill (null when it can): the line's model,
 * token type, tier and context window on its day, asked as one token of that kind. Lines the
 * bill does not split by model or token type can only be judged by model.
 */
export function unpricedBillLine(book: PriceBook, line: { vendor: string; day: string; model: string; token_type: string; service_tier: string; context_window: string; line_item: string }): string | null {
  if (!line.model) return `bill line "${line.line_item}" names no model the price table could price`;
  if (!line.token_type) return book.canonical(line.vendor, line.model) === null ? `${line.vendor} model ${line.model} is not in the price table` : null;
  const p = book.price({
    vendor: line.vendor,
    model: line.model,
    day: line.day,
    serviceTier: line.service_tier || 'standard',
    contextWindow: line.context_window,
    tokens: only(line.token_type as TokenType, 1),
  });
  return p.priced ? null : p.reason;
}
