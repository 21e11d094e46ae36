const SCALE = 18;
// BigInt() from text, not literals or **: the app's build targets below ES2020 and may turn ** into Math.pow.
const UNIT = BigInt(`1${'0'.repeat(SCALE)}`);
const ZERO = BigInt(0);

/** A decimal USD string as an integer count of 1e-18 dollars, exactly. */
const atto = (amount: string): bigint => {
  const negative = amount.startsWith('-');
  const [whole = '0', frac = ''] = (negative ? amount.slice(1) : amount).split('.');
  const value = BigInt(whole || '0') * UNIT + BigInt(frac.padEnd(SCALE, '0').slice(0, SCALE));
  return negative ? -value : value;
};

/**
 * The sum of several decimal USD strings. The collector hands out exact amounts, so they are
 * added exactly and rounded once, where the total is shown: adding figures already rounded to
 * cents drifts by a cent per row.
 */
export const sumUsd = (amounts: Array<string | null | undefined>): number => {
  const total = amounts.reduce((sum, a) => sum + (a ? atto(a) : ZERO), ZERO);
  const whole = total / UNIT;
  return Number(whole) + Number(total - whole * UNIT) / Number(UNIT);
};
