/**
 * Drift statistics, pure: no I/O, no clock. detect.ts feeds them what ClickHouse aggregated.
 *
 * Two tests, either of which is drift:
 * - a shift of the mean, in baseline standard deviations (`deviation`, against settings.sigma);
 * - a change of distribution, as a population stability index over bins cut at the baseline's
 *   quantiles (`psi`, against settings.psi): it sees a variance or shape change that leaves the
 *   mean where it was.
 */

/** Sums of one window's (or one baseline bucket's) values: count, sum, sum of squares. */
export interface Moments {
  n: number;
  sum: number;
  sumSq: number;
}

export const mean = (m: Moments): number => (m.n > 0 ? m.sum / m.n : 0);

/** Per-value (sample) variance of the values summed. */
export function variance(m: Moments): number {
  if (m.n < 2) return 0;
  return Math.max(0, (m.sumSq - (m.sum * m.sum) / m.n) / (m.n - 1));
}

export const addMoments = (a: Moments, b: Moments): Moments => ({ n: a.n + b.n, sum: a.sum + b.sum, sumSq: a.sumSq + b.sumSq });
export const NO_MOMENTS: Moments = Object.freeze({ n: 0, sum: 0, sumSq: 0 });

export interface Deviation {
  baseline: number;
  current: number;
  /** The standard deviation the shift is measured in. */
  sigma: number;
  /** (current - baseline) / sigma, signed. */
  deviation: number;
}

/** Smallest sigma, as a share of the baseline mean's size: below it a change is too small to matter, however steady the baseline. */
const RELATIVE_FLOOR = 0.01;

/**
 * How far the current window's mean is from the baseline's, in standard deviations of what a
 * window's mean does naturally. The baseline comes split into buckets the size of the current
 * window, so that each bucket is a window like the current one (same share of the daily cycle).
 * Two things move a window's mean:
 * - real variation between windows (day to day, load, upstream), τ², which no per-request
 *   figure sees: it is estimated from the spread of the bucket means, less the part of that
 *   spread their own sampling explains (s² / requests per bucket);
 * - the current window's sampling noise, s² / n (few requests: a noisy mean).
 * sigma = sqrt(τ² + s²/n_current). The per-request spread alone (a z-test) would call every
 * ordinary day-to-day wobble of a busy agent drift; the bucket spread alone would be a poor
 * estimate with few buckets and would miss the current window's own noise when it is small.
 * Buckets weigh by their requests; fewer than 2 non-empty buckets leave τ² at 0.
 */
export function meanDeviation(buckets: readonly Moments[], current: Moments, floorScale?: number): Deviation {
  const base = buckets.reduce(addMoments, NO_MOMENTS);
  const baseline = mean(base);
  const cur = mean(current);
  const s2 = variance(base);
  const filled = buckets.filter((b) => b.n > 0);
  let tau2 = 0;
  if (filled.length >= 2) {
    // Weighted spread of the bucket means around the baseline mean, against what sampling alone gives.
    const between = filled.reduce((acc, b) => acc + b.n * (mean(b) - baseline) ** 2, 0) / (filled.length - 1);
    // E[between] = s² + τ² · n̄ (n̄ ≈ requests per bucket), so τ² = (between - s²) / n̄.
    const nBar = base.n / filled.length;
    tau2 = Math.max(0, (between - s2) / nBar);
  }
  const sampling = current.n > 0 ? s2 / current.n : s2;
  const floor = RELATIVE_FLOOR * Math.abs(floorScale ?? baseline);
  const sigma = Math.max(Math.sqrt(tau2 + sampling), floor, 1e-9);
  return { baseline, current: cur, sigma, deviation: (cur - baseline) / sigma };
}

/**
 * A rate (errors / requests) as moments of 0/1 values. The variance of a rate seen at 0 (no
 * errors in the baseline) would be 0, and then one error would be infinitely many sigmas: the
 * spread is taken from (x + 1) / (n + 2) instead (Laplace's rule), as if one success and one
 * failure had been seen.
 */
export function rateMoments(hits: number, n: number): Moments {
  if (n === 0) return NO_MOMENTS;
  const p = (hits + 1) / (n + 2);
  // sum of squares chosen so that variance() gives p(1-p) · n/(n-1) around the observed mean.
  const observed = hits / n;
  const sumSq = n * (p * (1 - p) + observed * observed);
  return { n, sum: hits, sumSq };
}

/** Probability floor for a bin one window left empty: ln(0) would make PSI infinite. */
export const PSI_EPSILON = 1e-4;

/** Population stability index of `current` counts against `baseline` counts over the same bins: Σ (c - b) · ln(c / b) over bin shares. */
export function psi(baseline: readonly number[], current: readonly number[]): number {
  const nb = baseline.reduce((a, b) => a + b, 0);
  const nc = current.reduce((a, b) => a + b, 0);
  if (nb === 0 || nc === 0) return 0;
  let total = 0;
  for (let i = 0; i < baseline.length; i++) {
    const b = Math.max((baseline[i] ?? 0) / nb, PSI_EPSILON);
    const c = Math.max((current[i] ?? 0) / nc, PSI_EPSILON);
    total += (c - b) * Math.log(c / b);
  }
  return total;
}

/** Requests per bin the bin count aims at, and its bounds. */
const PER_BIN = 25;
const MAX_BINS = 10;

/**
 * Bins for PSI given the smaller window's size. PSI of two samples of one distribution is not 0
 * but about (bins - 1) · (1/n_current + 1/n_baseline): ten bins over 30 requests give ~0.3 from
 * noise alone, over the default threshold. At least 25 requests per bin keep that noise under
 * ~0.04 (so the 0.25 threshold is several of its standard deviations away); ten bins at most.
 */
export function binCount(smallerWindow: number): number {
  return Math.max(2, Math.min(MAX_BINS, Math.floor(smallerWindow / PER_BIN)));
}

/** Quantile levels that cut `bins` bins: 1/bins … (bins-1)/bins. */
export const binLevels = (bins: number): number[] => Array.from({ length: bins - 1 }, (_, i) => (i + 1) / bins);

/**
 * Counts per bin of `values` over upper-inclusive edges (a value equal to an edge goes to the bin
 * below it): the same rule as detect.ts's SQL, `arrayCount(e -> e < v, edges)`.
 */
export function binCounts(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    let i = 0;
    while (i < edges.length && edges[i]! < v) i++;
    counts[i]!++;
  }
  return counts;
}

/** Quantiles of values (linear between order statistics), distinct and ascending: tied edges would make empty bins. */
export function quantileEdges(values: readonly number[], levels: readonly number[]): number[] {
  if (values.length === 0) return [];
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
  };
  return [...new Set(levels.map(at))].sort((a, b) => a - b);
}

export type Direction = 'up' | 'down' | 'shift';

/** |deviation| under this, a PSI finding is a change of shape or spread, not of level. */
const LEVEL = 1;

export interface Verdict {
  drift: boolean;
  method: 'sigma' | 'psi';
  direction: Direction;
}

/** Drift when |deviation| ≥ sigma or PSI ≥ psi; the mean test names the method when both fire. */
export function verdict(deviation: number, psiValue: number | null, thresholds: { sigma: number; psi: number }): Verdict {
  const bySigma = Math.abs(deviation) >= thresholds.sigma;
  const byPsi = psiValue !== null && psiValue >= thresholds.psi;
  const sign: Direction = deviation >= 0 ? 'up' : 'down';
  if (bySigma) return { drift: true, method: 'sigma', direction: sign };
  if (byPsi) return { drift: true, method: 'psi', direction: Math.abs(deviation) < LEVEL ? 'shift' : sign };
  return { drift: false, method: 'sigma', direction: sign };
}

/** Cosine distance of a vector from a unit centroid (vectors from the embedder are unit length). */
export function cosineDistance(v: Float32Array, centroid: Float32Array): number {
  let dot = 0;
  let nv = 0;
  for (let i = 0; i < v.length; i++) {
    dot += v[i]! * centroid[i]!;
    nv += v[i]! * v[i]!;
  }
  return 1 - dot / (Math.sqrt(nv) || 1);
}

/** The mean direction of vectors, unit length. */
export function centroid(vectors: readonly Float32Array[]): Float32Array {
  const dims = vectors[0]?.length ?? 0;
  const c = new Float32Array(dims);
  for (const v of vectors) for (let i = 0; i < dims; i++) c[i]! += v[i]!;
  const norm = Math.hypot(...c) || 1;
  for (let i = 0; i < dims; i++) c[i]! /= norm;
  return c;
}

/** Moments of plain values (the embedding distances, tests). */
export function momentsOf(values: readonly number[]): Moments {
  let sum = 0;
  let sumSq = 0;
  for (const v of values) {
    sum += v;
    sumSq += v * v;
  }
  return { n: values.length, sum, sumSq };
}
