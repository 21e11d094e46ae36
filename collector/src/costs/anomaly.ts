/**
 * Hourly spend anomaly: the latest hour against the same hour of the previous days (traffic
 * has a daily shape), by how many robust standard deviations (1.4826 x MAD) it sits above
 * their median. Backtested for detection delay and false alarms by `npm run bench:forecast`.
 */
export interface AnomalyVerdict {
  anomalous: boolean;
  value: number;
  baseline: number;
  score: number;
}

export const ANOMALY_DEFAULTS = {
  /** Robust z-score above which the hour is anomalous. */
  score: 8,
  /** And at least this much above the baseline, USD, so tiny spends never page anyone. */
  minExcessUsd: 1,
  /** Same hours of this many previous days form the baseline. */
  days: 7,
};

/** `hourly` is one value per hour, oldest first; the last value is the hour judged. */
export function judgeLatestHour(hourly: readonly number[], opts = ANOMALY_DEFAULTS): AnomalyVerdict {
  const value = hourly[hourly.length - 1] ?? 0;
  const peers: number[] = [];
  for (let d = 1; d <= opts.days; d++) {
    const i = hourly.length - 1 - 24 * d;
    if (i >= 0) peers.push(hourly[i]!);
  }
  if (peers.length < 3) return { anomalous: false, value, baseline: value, score: 0 };
  const baseline = median(peers);
  const mad = median(peers.map((p) => Math.abs(p - baseline)));
  // A floor on the spread: identical peers must not make every cent an anomaly.
  const spread = Math.max(1.4826 * mad, 0.05 * baseline, 0.01);
  const score = (value - baseline) / spread;
  return { anomalous: score > opts.score && value - baseline > opts.minExcessUsd, value, baseline, score };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
