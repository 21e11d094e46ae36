import { Type } from '@sinclair/typebox';

/**
 * Where an amount of money is kept: at most `scale` decimals and `integerDigits` digits before
 * the point (a Postgres `numeric(p, s)` has p - s), and whether zero means anything there.
 */
export interface MoneySpec {
  scale: number;
  integerDigits: number;
  /** Zero is refused (a budget of nothing); otherwise zero is a value like any other. */
  positive?: boolean;
}

/** USD per million tokens: exact in atto-dollars per token with 12 decimals; below $1 a token. */
export const RATE_MONEY: MoneySpec = { scale: 12, integerDigits: 6 };
/** USD in a `numeric(18, 2)` column (budgets, alert thresholds). */
export const USD_COLUMN: MoneySpec = { scale: 2, integerDigits: 16 };

/**
 * An amount of money as the API takes it: a decimal string (`"2.50"`, exact) or a JSON number,
 * never in exponent form, within the spec. The schema bounds the magnitude; a JSON number's
 * decimals cannot be told from JSON Schema, so the collector checks them too (moneyText).
 */
export const Money = (spec: MoneySpec, description: string) =>
  Type.Union(
    [
      Type.String({ pattern: `^[0-9]{1,${spec.integerDigits}}(\\.[0-9]{1,${spec.scale}})?$`, maxLength: spec.integerDigits + spec.scale + 1 }),
      Type.Number({ ...(spec.positive ? { exclusiveMinimum: 0 } : { minimum: 0 }), exclusiveMaximum: 10 ** spec.integerDigits }),
    ],
    { description: `${description}: a decimal string or number, at most ${spec.scale} decimals, below ${(10 ** spec.integerDigits).toLocaleString('en-US')}${spec.positive ? ', above 0' : ''}` },
  );
