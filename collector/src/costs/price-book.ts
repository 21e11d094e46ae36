import { PRICED_TIERS, type PricedTier, type PriceEntry, type PriceOverrideEntry, type PriceTable } from '@ai-arm/schemas';
import { applyMultiplier, ratePerToken, type Atto } from './money';

export const TOKEN_TYPES = ['input', 'cache_read', 'cache_write_5m', 'cache_write_1h', 'output'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenCounts = Record<TokenType, number>;

export type Rates = Partial<Record<TokenType, Atto>>;
export interface Card {
  from: string;
  source: 'list' | 'override';
  /** The vendor page a list row cites; for an override, the page of the list row it inherits from. */
  sourceUrl: string | null;
  rates: Rates;
  longContext?: { contextWindow: string; rates: Rates };
  tiers: Partial<Record<PricedTier, Rates>>;
  /** Rates an override did not name and took from the list row in force on its date, as the table names them. */
  inherited: string[];
}

/** A contract rate an organisation set for one model: the rates it names, the rest inherited from the list. */
export interface PriceOverride {
  vendor: string;
  model: string;
  entry: PriceOverrideEntry;
}

/** What to price: one vendor's tokens of one model on one day, at one tier and context window. */
export interface UsageCell {
  vendor: string;
  model: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  /** `standard` (or empty), `batch`, `flex` or `priority`. */
  serviceTier: string;
  contextWindow: string;
  tokens: TokenCounts;
}

export type Priced =
  | { priced: true; model: string; source: Card['source']; cost: Atto; byType: Record<TokenType, Atto> }
  | { priced: false; reason: string };

/** Dated snapshots (`gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`) price as their model. */
const SNAPSHOT_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8})$/;

/** The table's rate names, beside the token type each prices. */
const RATE_NAMES = [
  ['input', 'input'],
  ['cached_input', 'cache_read'],
  ['cache_write_5m', 'cache_write_5m'],
  ['cache_write_1h', 'cache_write_1h'],
  ['output', 'output'],
] as const;
type RateText = Partial<Record<(typeof RATE_NAMES)[number][0], number | string>>;

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
        this.cards.set(`${vendor}|${model}`, m.prices.map(listCard).sort(latestFirst));
      }
    }
    // An override named as the table names the model reprices the model; one named as a dated
    // snapshot or an alias reprices that name alone, over the model's list prices (it repriced
    // the whole model, every snapshot of it included).
    const merged = overrides.map((o) => {
      const model = this.canonical(o.vendor, o.model) ?? o.model;
      return { key: `${o.vendor}|${o.model === model ? model : o.model}`, model: `${o.vendor}|${model}`, card: this.inherit(o).card };
    });
    for (const { key, model, card } of merged) {
      if (!this.cards.has(key)) {
        this.cards.set(key, (this.cards.get(model) ?? []).filter((c) => c.source === 'list'));
        const cheaper = this.cheaper.get(model);
        if (cheaper) this.cheaper.set(key, cheaper);
      }
      this.names.set(key, key.slice(key.indexOf('|') + 1));
      this.cards.set(key, [...this.cards.get(key)!, card].sort(latestFirst));
    }
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

  /**
   * An override as it prices: every rate it does not name taken from the list row in force
   * on its effective date. `missing` names the rates no side gives (input and output of the
   * entry, its long-context window and each tier it names): such an override is refused.
   */
  inherit(o: PriceOverride): { card: Card; missing: string[] } {
    const model = this.canonical(o.vendor, o.model) ?? o.model;
    const base = (this.cards.get(`${o.vendor}|${model}`) ?? []).find((c) => c.source === 'list' && c.from <= o.entry.effective_from);
    const inherited: string[] = [];
    const missing: string[] = [];
    const merge = (named: RateText | undefined, from: Rates | undefined, prefix: string): Rates => {
      const out: Rates = {};
      for (const [name, type] of RATE_NAMES) {
        const own = named?.[name];
        if (own !== undefined) out[type] = ratePerToken(own);
        else if (from?.[type] !== undefined) {
          out[type] = from[type];
          inherited.push(prefix + name);
        } else if (name === 'input' || name === 'output') missing.push(prefix + name);
      }
      return out;
    };
    const e = o.entry;
    const card: Card = { from: e.effective_from, source: 'override', sourceUrl: base?.sourceUrl ?? null, rates: merge(e, base?.rates, ''), tiers: {}, inherited };
    const window = e.long_context?.context_window ?? base?.longContext?.contextWindow;
    if (window !== undefined) {
      const baseLong = base?.longContext?.contextWindow === window ? base.longContext.rates : undefined;
      card.longContext = { contextWindow: window, rates: merge(e.long_context, baseLong, 'long_context.') };
    }
    for (const tier of PRICED_TIERS) {
      if (e.tiers?.[tier] !== undefined || base?.tiers[tier] !== undefined) card.tiers[tier] = merge(e.tiers?.[tier], base?.tiers[tier], `tiers.${tier}.`);
    }
    return { card, missing };
  }

  price(cell: UsageCell): Priced {
    const model = this.canonical(cell.vendor, cell.model);
    if (!model) return { priced: false, reason: `${cell.vendor} model ${cell.model || '(none)'} is not in the price table` };
    const found = this.cards.get(`${cell.vendor}|${model}`)!.find((c) => c.from <= cell.day);
    if (!found) return { priced: false, reason: `${model} has no price in effect on ${cell.day}` };
    const long = found.longContext !== undefined && found.longContext.contextWindow === cell.contextWindow;
    const tier = cell.serviceTier;
    let rates: Rates | undefined;
    if (tier === 'standard' || tier === 'batch' || tier === '') rates = long ? found.longContext!.rates : found.rates;
    else if ((PRICED_TIERS as readonly string[]).includes(tier)) {
      // A tier's published rates say nothing of long context: such usage stays unpriced rather than guessed.
      if (long) return { priced: false, reason: `${model} has no ${tier} tier rates for context window ${cell.contextWindow}` };
      rates = found.tiers[tier as PricedTier];
      if (!rates) return { priced: false, reason: `${model} has no ${tier} tier price in effect on ${cell.day}` };
    } else return { priced: false, reason: `${model}: service tier ${tier} has no prices` };
    const batch = tier === 'batch' ? this.batch.get(cell.vendor) : undefined;
    const byType = {} as Record<TokenType, Atto>;
    let cost = 0n;
    for (const t of TOKEN_TYPES) {
      const n = cell.tokens[t];
      const rate = rates[t];
      if (n > 0 && rate === undefined) return { priced: false, reason: `${model} has no ${t} rate${long ? ` for context window ${cell.contextWindow}` : ''}${tier === 'flex' || tier === 'priority' ? ` at the ${tier} tier` : ''}` };
      let amount = n > 0 ? BigInt(n) * rate! : 0n;
      if (batch !== undefined) amount = applyMultiplier(amount, batch);
      byType[t] = amount;
      cost += amount;
    }
    return { priced: true, model, source: found.source, cost, byType };
  }

  /** Every model with its entry in force on `day`, for the API's price listing. */
  *entries(day: string): Generator<{ vendor: string; model: string } & Card> {
    for (const [key, list] of this.cards) {
      const c = list.find((x) => x.from <= day) ?? list[list.length - 1]!;
      const [vendor, model] = key.split('|') as [string, string];
      yield { vendor, model, ...c };
    }
  }
}

// Latest first; on the same day an organisation's contract rate beats the list.
const latestFirst = (a: Card, b: Card) => b.from.localeCompare(a.from) || (a.source === b.source ? 0 : a.source === 'override' ? -1 : 1);

function rates(r: RateText): Rates {
  const out: Rates = {};
  for (const [name, type] of RATE_NAMES) if (r[name] !== undefined) out[type] = ratePerToken(r[name]);
  return out;
}

function listCard(p: PriceEntry): Card {
  const tiers: Card['tiers'] = {};
  for (const tier of PRICED_TIERS) if (p.tiers?.[tier]) tiers[tier] = rates(p.tiers[tier]);
  return {
    from: p.effective_from,
    source: 'list',
    sourceUrl: p.source,
    rates: rates(p),
    tiers,
    inherited: [],
    ...(p.long_context ? { longContext: { contextWindow: p.long_context.context_window, rates: rates(p.long_context) } } : {}),
  };
}
