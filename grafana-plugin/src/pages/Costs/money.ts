/**
 * The sum of several decimal USD strings, added in whole cents so a total of many rows is exact
 * to the cent (float addition of 0.1s drifts).
 */
export const sumUsd = (amounts: Array<string | null | undefined>): number =>
  amounts.reduce((cents, a) => cents + Math.round(Number(a ?? 0) * 100), 0) / 100;
