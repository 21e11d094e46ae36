/**
 * Daily spend forecast: a weekly profile (each weekday's share of the last four weeks) over
 * Holt's linear smoothing of the deseasonalised series. The interval comes from the model's
 * own one-step-ahead errors, widened with the horizon. Backtested by `npm run bench:forecast`.
 */
export interface Forecast {
  /** Point forecast per future day, USD. */
  daily: number[];
  total: number;
  /** ~95% interval of the total. */
  lower: number;
  upper: number;
  /** Standard deviation of the one-step-ahead errors, USD per day. */
  sigma: number;
  method: string;
}

const ALPHA = 0.3;
const BETA = 0.02;
const Z95 = 1.96;

/** `history` is one value per day, oldest first, ending yesterday; `firstWeekday` is the weekday (0 = Sunday) of history[0]. */
export function forecastDaily(history: readonly number[], horizon: number, firstWeekday: number): Forecast {
  if (history.length === 0) return { daily: Array(horizon).fill(0), total: 0, lower: 0, upper: 0, sigma: 0, method: 'no history' };
  const season = weeklyProfile(history, firstWeekday);
  const s = (i: number) => season[(firstWeekday + i) % 7]!;
  const flat = history.map((v, i) => v / s(i));
  let level = flat[0]!;
  let trend = 0;
  const errors: number[] = [];
  for (let i = 1; i < flat.length; i++) {
    const predicted = (level + trend) * s(i);
    errors.push(history[i]! - predicted);
    const prev = level;
    level = ALPHA * flat[i]! + (1 - ALPHA) * (level + trend);
    trend = BETA * (level - prev) + (1 - BETA) * trend;
  }
  const daily = Array.from({ length: horizon }, (_, h) => Math.max(0, (level + (h + 1) * trend) * s(history.length + h)));
  const total = daily.reduce((a, b) => a + b, 0);
  // Recent errors describe the current regime best.
  const recent = errors.slice(-28);
  const sigma = recent.length > 1 ? Math.sqrt(recent.reduce((a, e) => a + e * e, 0) / (recent.length - 1)) : total * 0.5;
  // A level error persists: the h-day-ahead error has variance ~ h sigma^2, so the total's is sigma^2 H(H+1)/2.
  const spread = Z95 * sigma * Math.sqrt(horizon) * Math.sqrt((horizon + 1) / 2);
  return { daily, total, lower: Math.max(0, total - spread), upper: total + spread, sigma, method: 'holt-linear with weekly profile' };
}

/** Each weekday's mean over the last four weeks relative to the overall mean; flat with under two weeks of data. */
function weeklyProfile(history: readonly number[], firstWeekday: number): number[] {
  const profile = Array(7).fill(1) as number[];
  if (history.length < 14) return profile;
  const start = Math.max(0, history.length - 28);
  const sums = Array(7).fill(0) as number[];
  const counts = Array(7).fill(0) as number[];
  for (let i = start; i < history.length; i++) {
    const d = (firstWeekday + i) % 7;
    sums[d]! += history[i]!;
    counts[d]!++;
  }
  const means = sums.map((v, d) => (counts[d]! > 0 ? v / counts[d]! : 0));
  const overall = means.reduce((a, b) => a + b, 0) / 7;
  if (overall <= 0) return profile;
  return means.map((m) => (m > 0 ? m / overall : 1));
}
