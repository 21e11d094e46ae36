const usdFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const countFormat = new Intl.NumberFormat('en-US');
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** The collector sends money as decimal strings (exact cents); they are only formatted here. */
export const usd = (amount: string | number) => usdFormat.format(Number(amount));
export const count = (n: number) => countFormat.format(n);
const fineUsdFormat = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 6,
});
/** One request's cost: fractions of a cent matter there, so up to six decimals ($0.000412). */
export const usdFine = (amount: string | number) => fineUsdFormat.format(Number(amount));
/** An RFC 3339 instant as `2026-12-06 21:30:01` (UTC, as the collector stores it). */
export const utcTime = (iso: string) => new Date(iso).toISOString().replace('T', ' ').slice(0, 19);
export const compact = (n: number) => compactFormat.format(n);
export const percent = (ratio: number) => `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`;

/** "3 min ago", "2 h ago", or the date when older than a day. */
export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) {
    return 'never';
  }
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) {
    return `${s} s ago`;
  }
  if (s < 3600) {
    return `${Math.round(s / 60)} min ago`;
  }
  if (s < 86400) {
    return `${Math.round(s / 3600)} h ago`;
  }
  return iso.slice(0, 10);
}

/** YYYY-MM-DD of the UTC day `days` before now. */
export const daysAgo = (days: number, now = Date.now()) => new Date(now - days * 86_400_000).toISOString().slice(0, 10);
