import type { MoneySpec } from '@ai-arm/schemas';

/**
 * Exact money: amounts are BigInt atto-dollars (1e-18 USD). A rate of X USD per million
 * tokens is X * 1e12 atto-dollars per token, an integer for any rate with up to 12
 * decimals, so tokens x rate sums exactly and rounding happens once, where the rules say.
 */
export type Atto = bigint;

const ATTO_PER_USD = 10n ** 18n;
export const ATTO_PER_CENT = 10n ** 16n;

/** Parses decimal text (`2.5`, `0.075`) scaled by 10^scale into an integer; throws on anything else. */
export function parseScaled(text: string, scale: number): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`not a non-negative decimal: ${text}`);
  const frac = m[2] ?? '';
  if (frac.length > scale) throw new Error(`${text} has more than ${scale} decimals`);
  return BigInt(m[1]!) * 10n ** BigInt(scale) + BigInt(frac.padEnd(scale, '0') || '0');
}

/** USD per million tokens (a number from YAML or decimal text) to atto-dollars per token. */
export function ratePerToken(usdPerMillion: number | string): Atto {
  return parseScaled(typeof usdPerMillion === 'number' ? decimalText(usdPerMillion) : usdPerMillion, 12);
}

/** A multiplier such as the batch discount (`0.5`), applied exactly to 6 decimals. */
export function applyMultiplier(amount: Atto, multiplier: number | string): Atto {
  const m = parseScaled(typeof multiplier === 'number' ? decimalText(multiplier) : multiplier, 6);
  return (amount * m) / 1_000_000n;
}

/**
 * Exact USD text: every digit the amount has, at least two decimals (`12.30`, `0.0836`,
 * `1.000000000001`). The API hands out amounts this way so that a total is exactly the sum of
 * what it covers; rounding to cents happens once, where a figure is shown.
 */
export function usdText(amount: Atto): string {
  const sign = amount < 0n ? '-' : '';
  const abs = amount < 0n ? -amount : amount;
  const frac = String(abs % ATTO_PER_USD).padStart(18, '0').replace(/0+$/, '').padEnd(2, '0');
  return `${sign}${abs / ATTO_PER_USD}.${frac}`;
}

/** Whole cents, half away from zero: for a figure shown in cents. */
export function toCents(amount: Atto): bigint {
  const sign = amount < 0n ? -1n : 1n;
  const abs = amount * sign;
  return sign * ((abs + ATTO_PER_CENT / 2n) / ATTO_PER_CENT);
}

/** An exact amount in cents as `12.34`, rounded once from atto-dollars (through a float, $1.005 showed as $1.00 beside an exact $1.01). */
export const centsOf = (amount: Atto): string => centsText(toCents(amount));

/** Cents as `12.34`. */
export function centsText(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Decimal USD text (`12.340000000001`) to atto-dollars, for billed amounts read back from ClickHouse. */
export function usdToAtto(text: string): Atto {
  const negative = text.startsWith('-');
  const v = parseScaled(negative ? text.slice(1) : text, 18);
  return negative ? -v : v;
}

/** Atto-dollars as USD text with `places` decimals, truncated: for display of unrounded figures. */
export function attoText(amount: Atto, places = 6): string {
  const scaled = amount / 10n ** BigInt(18 - places);
  const sign = scaled < 0n ? '-' : '';
  const abs = scaled < 0n ? -scaled : scaled;
  const unit = 10n ** BigInt(places);
  return `${sign}${abs / unit}.${String(abs % unit).padStart(places, '0')}`;
}

export const attoToNumber = (amount: Atto) => Number(amount) / Number(ATTO_PER_USD);

/** The shortest decimal text of a JS number, never in exponent form. */
function decimalText(n: number): string {
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a non-negative number: ${n}`);
  const s = String(n);
  return s.includes('e') ? n.toFixed(12).replace(/\.?0+$/, '') : s;
}

/**
 * The exact decimal text of an amount an API caller sent (a decimal string or a JSON number),
 * or throws saying why it is not one `spec` can hold: exponent form, more decimals than the
 * column keeps, too many digits before the point, or zero where zero means nothing.
 */
export function moneyText(value: unknown, spec: MoneySpec): string {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${value} is not a finite number`);
    text = String(value);
    // Tiny numbers print in exponent form (1e-7); they are fine when exact at the scale.
    if (/e-/.test(text) && Number(value.toFixed(spec.scale)) === value) text = value.toFixed(spec.scale).replace(/\.?0+$/, '');
  } else if (typeof value === 'string') text = value.trim();
  else throw new Error('must be a decimal string or a number');
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`${text} is not a non-negative decimal without exponent`);
  const whole = m[1]!.replace(/^0+(?=\d)/, '');
  if ((m[2] ?? '').length > spec.scale) throw new Error(`${text} has more than ${spec.scale} decimals`);
  if (whole.length > spec.integerDigits) throw new Error(`${text} is not below ${(10n ** BigInt(spec.integerDigits)).toLocaleString('en-US')}`);
  if (spec.positive && /^[0.]+$/.test(text)) throw new Error(`${text} must be above 0`);
  return m[2] ? `${whole}.${m[2]}` : whole;
}
