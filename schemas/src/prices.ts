import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import { VENDORS } from './enums';
import { SCHEMAS_ROOT } from './paths';

/** USD per million tokens. Written as a number in YAML, kept as exact decimal text once loaded. */
const Rate = Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: '^[0-9]+(\\.[0-9]{1,12})?$' })]);
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, UTC' });

const Rates = {
  input: Rate,
  cached_input: Type.Optional(Rate),
  cache_write_5m: Type.Optional(Rate),
  cache_write_1h: Type.Optional(Rate),
  output: Rate,
};

export const PriceEntry = Type.Object(
  {
    effective_from: Day,
    ...Rates,
    long_context: Type.Optional(Type.Object({ context_window: Type.String({ minLength: 1 }), ...Rates }, { additionalProperties: false })),
  },
  { additionalProperties: false, description: 'Rates in USD per million tokens from a date on' },
);
export type PriceEntry = Static<typeof PriceEntry>;

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
