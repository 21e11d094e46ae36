import { binCount, binCounts, binLevels, centroid, cosineDistance, meanDeviation, momentsOf, psi, PSI_EPSILON, quantileEdges, rateMoments, variance, verdict } from '../../src/quality/drift/stats';
import { normal, rng } from './drift-support';

const draw = (n: number, f: (r: () => number) => number, seed = 1) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => f(r));
};

describe('drift statistics', () => {
  describe('PSI', () => {
    it('is 0 for identical distributions, whatever the sample sizes', () => {
      expect(psi([10, 20, 30, 40], [10, 20, 30, 40])).toBe(0);
      expect(psi([10, 20, 30, 40], [1, 2, 3, 4])).toBeCloseTo(0, 12);
    });

    it('matches the formula on known shares: 50/50 against 25/75 is 0.25·ln2 + 0.25·ln1.5 ≈ 0.2747', () => {
      // (0.25-0.5)·ln(0.25/0.5) + (0.75-0.5)·ln(0.75/0.5) = 0.25·ln2 + 0.25·ln1.5
      expect(psi([50, 50], [25, 75])).toBeCloseTo(0.25 * Math.log(2) + 0.25 * Math.log(1.5), 10);
      // Ten deciles against all mass moved to the top two: a large shift, far over 0.25.
      expect(psi(new Array(10).fill(10), [0, 0, 0, 0, 0, 0, 0, 0, 50, 50])).toBeGreaterThan(3);
    });

    it('stays finite with an empty bin (epsilon), and is symmetric', () => {
      const p = psi([100, 0], [50, 50]);
      expect(Number.isFinite(p)).toBe(true);
      expect(p).toBeCloseTo((0.5 - 1) * Math.log(0.5 / 1) + (0.5 - PSI_EPSILON) * Math.log(0.5 / PSI_EPSILON), 10);
      expect(psi([30, 70], [60, 40])).toBeCloseTo(psi([60, 40], [30, 70]), 12);
    });

    it('of a normal shifted by half a standard deviation, over decile bins, is ~0.25 (the textbook value)', () => {
      const base = draw(50_000, (r) => normal(r));
      const cur = draw(50_000, (r) => normal(r) + 0.5, 2);
      const edges = quantileEdges(base, binLevels(10));
      expect(psi(binCounts(base, edges), binCounts(cur, edges))).toBeGreaterThan(0.22);
      expect(psi(binCounts(base, edges), binCounts(cur, edges))).toBeLessThan(0.28);
      // The same distribution, two samples: noise only, about (bins-1)·(1/n + 1/n).
      const again = draw(50_000, (r) => normal(r), 3);
      expect(psi(binCounts(base, edges), binCounts(again, edges))).toBeLessThan(0.003);
    });

    it('sees a variance change that leaves the mean in place', () => {
      const base = draw(5000, (r) => normal(r));
      const wide = draw(5000, (r) => 3 * normal(r), 4);
      const edges = quantileEdges(base, binLevels(10));
      expect(psi(binCounts(base, edges), binCounts(wide, edges))).toBeGreaterThan(0.5);
    });

    it('picks bins so that small windows do not look shifted by noise alone', () => {
      expect(binCount(30)).toBe(2);
      expect(binCount(100)).toBe(4);
      expect(binCount(10_000)).toBe(10);
      // 60 requests against 60 from one distribution, many times: PSI rarely reaches 0.25.
      let over = 0;
      for (let s = 0; s < 200; s++) {
        const a = draw(60, (r) => normal(r), 100 + s);
        const b = draw(60, (r) => normal(r), 1000 + s);
        const edges = quantileEdges(a, binLevels(binCount(60)));
        if (psi(binCounts(a, edges), binCounts(b, edges)) >= 0.25) over++;
      }
      expect(over).toBeLessThan(4);
    });

    it('merges tied edges: a repeated value makes one bin, not empty ones', () => {
      const edges = quantileEdges([1, 1, 1, 1, 1, 1, 1, 2, 3, 4], binLevels(5));
      expect(edges).toHaveLength(2);
      expect(edges[0]).toBe(1);
      expect(edges[1]).toBeCloseTo(2.2, 10);
      expect(binCounts([1, 2, 3], [1, 2])).toEqual([1, 1, 1]);
    });
  });

  describe('deviation', () => {
    const bucketsOf = (n: number, perBucket: number, f: (r: () => number, b: number) => number) => Array.from({ length: n }, (_, b) => momentsOf(draw(perBucket, (r) => f(r, b), 10 + b)));

    it('has the sign of the shift and its size in sigma: 3 standard deviations of the daily means is ~ ±3', () => {
      // Daily means vary by 1 (sd) around 10; per request spread 2; 10,000 requests a day (sampling noise ~0.02).
      const dayMeans = draw(7, (r) => normal(r), 5).map((x) => 10 + x);
      const buckets = bucketsOf(7, 10_000, (r, b) => dayMeans[b]! + 2 * normal(r));
      const mean = dayMeans.reduce((a, b) => a + b, 0) / 7;
      const sd = Math.sqrt(dayMeans.reduce((a, b) => a + (b - mean) ** 2, 0) / 6);
      const up = meanDeviation(buckets, momentsOf(draw(10_000, (r) => mean + 3 * sd + 2 * normal(r), 6)));
      expect(up.deviation).toBeGreaterThan(2.7);
      expect(up.deviation).toBeLessThan(3.3);
      const down = meanDeviation(buckets, momentsOf(draw(10_000, (r) => mean - 3 * sd + 2 * normal(r), 7)));
      expect(down.deviation).toBeLessThan(-2.7);
      expect(down.deviation).toBeGreaterThan(-3.3);
    });

    it('with steady days, is the shift over the standard error of the current mean (few requests: a noisy mean)', () => {
      const buckets = bucketsOf(7, 1000, (r) => 10 + 2 * normal(r));
      const cur = momentsOf(draw(100, (r) => 10.6 + 2 * normal(r), 8));
      const d = meanDeviation(buckets, cur);
      // se = 2 / sqrt(100) = 0.2: a shift of ~0.6 is ~3 sigma, not the 0.3 a per-request sigma would say.
      expect(d.sigma).toBeGreaterThan(0.17);
      expect(d.sigma).toBeLessThan(0.24);
      expect(d.deviation).toBeGreaterThan(2);
    });

    it('counts day-to-day variation a per-request test would miss: the same shift is no drift when days vary that much', () => {
      const dayMeans = [9, 11, 9.5, 10.5, 10, 11.2, 8.8];
      const buckets = bucketsOf(7, 5000, (r, b) => dayMeans[b]! + 2 * normal(r));
      const d = meanDeviation(buckets, momentsOf(draw(5000, (r) => 11 + 2 * normal(r), 9)));
      expect(Math.abs(d.deviation)).toBeLessThan(3);
      // A plain z-test (per-request sd / sqrt(n) = 0.028) would call this shift of ~1 over 30 sigma.
      expect(d.sigma).toBeGreaterThan(0.5);
    });

    it('never divides by zero: a constant baseline gets a floor of 1% of its mean', () => {
      const d = meanDeviation([momentsOf([5, 5, 5]), momentsOf([5, 5, 5])], momentsOf([6, 6, 6]));
      expect(d.sigma).toBeCloseTo(0.05, 10);
      expect(d.deviation).toBeCloseTo(20, 6);
    });

    it('rates: a baseline without errors still has a spread (Laplace), so one error is not infinitely many sigmas', () => {
      const m = rateMoments(0, 1000);
      expect(variance(m)).toBeGreaterThan(0);
      const one = meanDeviation([rateMoments(0, 1000), rateMoments(0, 1000)], rateMoments(1, 1000));
      expect(one.deviation).toBeLessThan(3);
      const many = meanDeviation([rateMoments(10, 1000), rateMoments(12, 1000), rateMoments(9, 1000)], rateMoments(60, 1000));
      expect(many.deviation).toBeGreaterThan(3);
      expect(many.current).toBeCloseTo(0.06, 10);
    });
  });

  it('verdict: sigma first, PSI for a change of shape (shift) or of level under sigma', () => {
    expect(verdict(3.2, 0.1, { sigma: 3, psi: 0.25 })).toEqual({ drift: true, method: 'sigma', direction: 'up' });
    expect(verdict(-4, 0.5, { sigma: 3, psi: 0.25 })).toEqual({ drift: true, method: 'sigma', direction: 'down' });
    expect(verdict(0.4, 0.6, { sigma: 3, psi: 0.25 })).toEqual({ drift: true, method: 'psi', direction: 'shift' });
    expect(verdict(-2, 0.6, { sigma: 3, psi: 0.25 })).toEqual({ drift: true, method: 'psi', direction: 'down' });
    expect(verdict(2.9, null, { sigma: 3, psi: 0.25 }).drift).toBe(false);
    expect(verdict(2.9, 0.24, { sigma: 3, psi: 0.25 }).drift).toBe(false);
  });

  it('cosine distance from a centroid: 0 on it, 1 at right angles', () => {
    const c = centroid([Float32Array.from([1, 0]), Float32Array.from([1, 0.0001])]);
    expect(cosineDistance(Float32Array.from([2, 0]), c)).toBeCloseTo(0, 6);
    expect(cosineDistance(Float32Array.from([0, 1]), c)).toBeCloseTo(1, 3);
  });
});
