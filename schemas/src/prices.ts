import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import { VENDORS } from './enums';
import { Money, RATE_MONEY } from './money';
import { SCHEMAS_ROOT } from './paths';

/** USD per million tokens. Written as a number in YAML, kept as exact decimal text once loaded. */
const Rate = Money(RATE_MONEY, 'USD per million tokens');
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, UTC' });

const Rates = {
  input: Rate,
  cached_input: Type.Optional(Rate),
  cache_write_5m: Type.Optional(Rate),
  cache_write_1h: Type.Optional(Rate),
  output: Rate,
};

/** Every rate optional: an override names the rates its contract changes and inherits the rest. */
const PartialRates = {
  input: Type.Optional(Rate),
  cached_input: Type.Optional(Rate),
  cache_write_5m: Type.Optional(Rate),
  cache_write_1h: Type.Optional(Rate),
  output: Type.Optional(Rate),
};

/** OpenAI's service tiers priced apart from standard; batch is a vendor-wide multiplier instead. */
export const PRICED_TIERS = ['flex', 'priority'] as const;
export type PricedTier = (typeof PRICED_TIERS)[number];

const TIERS_DESCRIPTION = 'Rates for usage the vendor served at that service tier; usage at a tier with no rates here is unpriced';
const Closed = { additionalProperties: false } as const;
const TierRates = Type.Object(Rates, Closed);
const PartialTierRates = Type.Object(PartialRates, Closed);

/** One row of the list: rates in USD per million tokens from a date on, and where they were published. */
export const PriceEntry = Type.Object(
  {
    effective_from: Day,
    source: Type.String({ pattern: '^https://', description: "The vendor's page that publishes these rates" }),
    ...Rates,
    long_context: Type.Optional(Type.Object({ context_window: Type.String({ minLength: 1 }), ...Rates }, Closed)),
    tiers: Type.Optional(Type.Object({ flex: Type.Optional(TierRates), priority: Type.Optional(TierRates) }, { ...Closed, description: TIERS_DESCRIPTION })),
  },
  { additionalProperties: false, description: 'Rates in USD per million tokens from a date on' },
);
export type PriceEntry = Static<typeof PriceEntry>;

/**
 * A contract rate an organisation sets for one model from a date on. Rates it does not name
 * are inherited from the list row in force on its effective date (long-context and tier
 * rates included); with no list row to inherit from, it must name input and output.
 */
export const PriceOverrideEntry = Type.Object(
  {
    effective_from: Day,
    ...PartialRates,
    long_context: Type.Optional(Type.Object({ context_window: Type.String({ minLength: 1 }), ...PartialRates }, Closed)),
    tiers: Type.Optional(Type.Object({ flex: Type.Optional(PartialTierRates), priority: Type.Optional(PartialTierRates) }, { ...Closed, description: TIERS_DESCRIPTION })),
  },
  { additionalProperties: false, description: 'Contract rates in USD per million tokens from a date on; rates left out are inherited from the list price in force on that date' },
);
export type PriceOverrideEntry = Static<typeof PriceOverrideEntry>;

const PriceFile = Type.Object(
  {
    version: Type.Literal(1),
    vendors: Type.Record(
      Type.String(),
      Type.Object(
        {
          batch_multiplier: Rate,
          models: Type.Record(
            Type.String({ minLength: 1 }),
            Type.Object(
              {
                aliases: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
                cheaper: Type.Optional(Type.String({ minLength: 1, description: 'A cheaper model of the same family, suggested by the optimisations API' })),
                prices: Type.Array(PriceEntry, { minItems: 1 }),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type PriceTable = Static<typeof PriceFile>;

export const LIST_PRICES_PATH = join(SCHEMAS_ROOT, 'prices', 'list-prices.yaml');

/** Reads and checks a price table; every problem is reported at once, one per line. */
export function loadPriceTable(path = LIST_PRICES_PATH): PriceTable {
  const raw: unknown = parse(readFileSync(path, 'utf8'));
  const problems = [...Value.Errors(PriceFile, raw)].map((e) => `${e.path || '/'}: ${e.message}`);
  if (problems.length === 0) problems.push(...checkPriceTable(raw as PriceTable));
  if (problems.length > 0) throw new Error(`price table ${path} is invalid:\n${problems.join('\n')}`);
  return raw as PriceTable;
}

export function checkPriceTable(t: PriceTable): string[] {
  const problems: string[] = [];
  for (const [vendor, v] of Object.entries(t.vendors)) {
    if (!(VENDORS as readonly string[]).includes(vendor)) problems.push(`vendors.${vendor}: not one of ${VENDORS.join(', ')}`);
    const names = new Set<string>();
    for (const [model, m] of Object.entries(v.models)) {
      for (const name of [model, ...(m.aliases ?? [])]) {
        if (names.has(name)) problems.push(`vendors.${vendor}: ${name} names two models`);
        names.add(name);
      }
      if (m.cheaper && !v.models[m.cheaper]) problems.push(`vendors.${vendor}.models.${model}: cheaper model ${m.cheaper} is not in the table`);
      const days = m.prices.map((p) => p.effective_from);
      if (new Set(days).size !== days.length) problems.push(`vendors.${vendor}.models.${model}: two entries share an effective_from`);
      for (const p of m.prices) if (Number.isNaN(Date.parse(p.effective_from))) problems.push(`vendors.${vendor}.models.${model}: bad date ${p.effective_from}`);
    }
  }
  return problems;
}
