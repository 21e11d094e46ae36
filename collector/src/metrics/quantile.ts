/**
 * A quantile from cumulative histogram buckets, computed the way PromQL's histogram_quantile
 * does (linear interpolation inside the bucket, the lowest bucket starting at 0, the +Inf
 * bucket answering with the highest finite bound), so the API and a PromQL panel agree.
 */
export function histogramQuantile(q: number, buckets: readonly { le: number; count: number }[]): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted[sorted.length - 1]?.count ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let i = sorted.findIndex((b) => b.count >= rank);
  if (i < 0) i = sorted.length - 1;
  const b = sorted[i]!;
  if (b.le === Number.POSITIVE_INFINITY) return sorted[sorted.length - 2]?.le ?? Number.NaN;
  const lower = i === 0 ? 0 : sorted[i - 1]!.le;
  const below = i === 0 ? 0 : sorted[i - 1]!.count;
  if (i === 0 && b.le <= 0) return b.le;
  return lower + ((b.le - lower) * (rank - below)) / (b.count - below);
}
