import type { PriceEntry, PriceTable } from '@ai-arm/schemas';
import { applyMultiplier, ratePerToken, type Atto } from './money';

export const TOKEN_TYPES = ['input', 'cache_read', 'cache_write_5m', 'cache_write_1h', 'output'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenCounts = Record<TokenType, number>;

type Rates = Partial<Record<TokenType, Atto>>;
interface Card {
  from: string;
  source: 'list' | 'override';
  rates: Rates;
  longContext?: { contextWindow: string; rates: Rates };
}

/** A contract rate an organisation set: the same shape as an entry of the list, for one model. */
export interface PriceOverride {
  vendor: string;
  model: string;
  entry: PriceEntry;
}

/** What to price: one vendor's tokens of one model on one day, at one tier and context window. */
export interface UsageCell {
  vendor: string;
  model: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  serviceTier: string;
  contextWindow: string;
  tokens: TokenCounts;
}

export type Priced =
  | { priced: true; model: string; source: Card['source']; cost: Atto; byType: Record<TokenType, Atto> }
  | { priced: false; reason: string };

/** Dated snapshots (`gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`) price as their model. */
const SNAPSHOT_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8})$/;

/**
 * The prices in force for one organisation: the list table with its contract overrides on
 * top. Knows nothing of how any vendor bills; it applies the table's rates as written.
 */
export class PriceBook {
  private readonly cards = new Map<string, Card[]>();
  private readonly names = new Map<string, string>();
  private readonly batch = new Map<string, string | number>();
  private readonly resolved = new Map<string, string | null>();
  private readonly cheaper = new Map<string, string>();

  constructor(table: PriceTable, overrides: readonly PriceOverride[] = []) {
    for (const [vendor, v] of Object.entries(table.vendors)) {
      this.batch.set(vendor, v.batch_multiplier);
      for (const [model, m] of Object.entries(v.models)) {
        for (const name of [model, ...(m.aliases ?? [])]) this.names.set(`${vendor}|${name}`, model);
        if (m.cheaper) this.cheaper.set(`${vendor}|${model}`, m.cheaper);
        this.cards.set(`${vendor}|${model}`, m.prices.map((p) => card(p, 'list')));
      }
    }
    for (const o of overrides) {
      const model = this.canonical(o.vendor, o.model) ?? o.model;
      this.names.set(`${o.vendor}|${model}`, model);
      const key = `${o.vendor}|${model}`;
      this.cards.set(key, [...(this.cards.get(key) ?? []), card(o.entry, 'override')]);
    }
    // Latest first; on the same day an organisation's contract rate beats the list.
    for (const list of this.cards.values()) list.sort((a, b) => b.from.localeCompare(a.from) || (a.source === 'override' ? -1 : 1));
    this.resolved.clear();
  }

  /** The table's name for a model as a usage report spells it, or null when it is not priced. */
  canonical(vendor: string, model: string): string | null {
    const key = `${vendor}|${model}`;
    let hit = this.resolved.get(key);
    if (hit === undefined) {
      hit = this.names.get(key) ?? this.names.get(`${vendor}|${model.replace(SNAPSHOT_SUFFIX, '')}`) ?? null;
      this.resolved.set(key, hit);
    }
    return hit;
  }

  /** The table's cheaper model of the same family, if it names one. */
  cheaperThan(vendor: string, model: string): string | undefined {
    const canonical = this.canonical(vendor, model);
    return canonical ? this.cheaper.get(`${vendor}|${canonical}`) : undefined;
  }

  price(cell: UsageCell): Priced {
    const model = this.canonical(cell.vendor, cell.model);
    if (!model) return { priced: false, reason: `${cell.vendor} model ${cell.model || '(none)'} is not in the price table` };
    const found = this.cards.get(`${cell.vendor}|${model}`)!.find((c) => c.from <= cell.day);
    if (!found) return { priced: false, reason: `${model} has no price in effect on ${cell.day}` };
    const long = found.longContext && found.longContext.contextWindow === cell.contextWindow;
    const rates = long ? found.longContext!.rates : found.rates;
    const batch = cell.serviceTier === 'batch' ? this.batch.get(cell.vendor) : undefined;
    const byType = {} as Record<TokenType, Atto>;
    let cost = 0n;
    for (const t of TOKEN_TYPES) {
      const n = cell.tokens[t];
      const rate = rates[t];
      if (n > 0 && rate === undefined) return { priced: false, reason: `${model} has no ${t} rate${long ? ` for context window ${cell.contextWindow}` : ''}` };
      let amount = n > 0 ? BigInt(n) * rate! : 0n;
      if (batch !== undefined) amount = applyMultiplier(amount, batch);
      byType[t] = amount;
      cost += amount;
    }
    return { priced: true, model, source: found.source, cost, byType };
  }

  /** Every model with its entry in force on `day`, for the API's price listing. */
  *entries(day: string): Generator<{ vendor: string; model: string; from: string; source: Card['source']; rates: Rates }> {
    for (const [key, list] of this.cards) {
      const c = list.find((x) => x.from <= day) ?? list[list.length - 1]!;
      const [vendor, model] = key.split('|') as [string, string];
      yield { vendor, model, from: c.from, source: c.source, rates: c.rates };
    }
  }
}

function rates(r: { input: number | string; cached_input?: number | string; cache_write_5m?: number | string; cache_write_1h?: number | string; output: number | string }): Rates {
  const out: Rates = { input: ratePerToken(r.input), output: ratePerToken(r.output) };
  if (r.cached_input !== undefined) out.cache_read = ratePerToken(r.cached_input);
  if (r.cache_write_5m !== undefined) out.cache_write_5m = ratePerToken(r.cache_write_5m);
  if (r.cache_write_1h !== undefined) out.cache_write_1h = ratePerToken(r.cache_write_1h);
  return out;
}

function card(p: PriceEntry, source: Card['source']): Card {
  return {
    from: p.effective_from,
    source,
    rates: rates(p),
    ...(p.long_context ? { longContext: { contextWindow: p.long_context.context_window, rates: rates(p.long_context) } } : {}),
  };
}
