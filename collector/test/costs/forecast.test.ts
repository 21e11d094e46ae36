import { forecastDaily, totalErrorFactor, weeklyProfile } from '../../src/costs/forecast';
import { unit } from '../../src/simulator/random';

// Sunday first: business days spend, weekends trickle.
const WEEK = [0.4, 1.1, 1.15, 1.1, 1.05, 0.9, 0.3];
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]) => sum(xs) / xs.length;
/** Roughly normal noise (sum of four seeded uniforms), unit standard deviation. */
const z = (seed: string, d: number) => (unit(seed, d, 0) + unit(seed, d, 1) + unit(seed, d, 2) + unit(seed, d, 3) - 2) * Math.sqrt(3);

/** Daily cost with weekly shape, growth and 5% multiplicative noise; day 0 is a Sunday. */
function series(seed: string, days: number, { base = 1000, growth = 0.002, noise = 0.05 } = {}): number[] {
  return Array.from({ length: days }, (_, d) => base * WEEK[d % 7]! * Math.exp(growth * d) * Math.exp(noise * z(seed, d)));
}

function finite(f: ReturnType<typeof forecastDaily>) {
  for (const v of [...f.daily, f.total, f.lower, f.upper, f.sigma]) expect(Number.isFinite(v)).toBe(true);
  expect(f.daily.every((v) => v >= 0)).toBe(true);
  expect(f.lower).toBeLessThanOrEqual(f.total);
  expect(f.upper).toBeGreaterThanOrEqual(f.total);
}

describe('daily spend forecast', () => {
  it('follows the weekday shape and the growth', () => {
    const history = series('shape', 56);
    const f = forecastDaily(history, 14, 0);
    finite(f);
    // Day 56 is a Sunday: the forecast's shape over its first week is the week's shape.
    const shape = f.daily.slice(0, 7).map((v) => v / mean(f.daily.slice(0, 7)));
    const truth = WEEK.map((w) => w / mean(WEEK));
    shape.forEach((s, d) => expect(s).toBeCloseTo(truth[d]!, 1));
    // Growth of 0.2% a day: the second week is above the first.
    expect(sum(f.daily.slice(7))).toBeGreaterThan(sum(f.daily.slice(0, 7)) * 1.005);
    const expected = sum(Array.from({ length: 7 }, (_, h) => 1000 * WEEK[h]! * Math.exp(0.002 * (56 + h))));
    expect(Math.abs(sum(f.daily.slice(0, 7)) - expected) / expected).toBeLessThan(0.05);
  });

  it('beats the seasonal naive (same weekday last week) on held-out weeks with occasional spikes', () => {
    const errors = { model: [] as number[], seasonalNaive: [] as number[] };
    for (const seed of ['a', 'b', 'c']) {
      // A day at double cost about once a month: a runaway agent, a batch job.
      const daily = series(`held-out/${seed}`, 126).map((v, d) => (unit('held-out', seed, 'spike', d) < 1 / 30 ? 2 * v : v));
      for (let origin = 56; origin + 7 <= daily.length; origin++) {
        const seen = daily.slice(origin - 56, origin);
        const actual = sum(daily.slice(origin, origin + 7));
        const f = forecastDaily(seen, 7, (origin - 56) % 7);
        errors.model.push(Math.abs(f.total - actual) / actual);
        errors.seasonalNaive.push(Math.abs(sum(seen.slice(-7)) - actual) / actual);
      }
    }
    expect(mean(errors.model)).toBeLessThan(0.85 * mean(errors.seasonalNaive));
  });

  it('a one-day spike yesterday barely moves the next week', () => {
    const history = series('spike', 56, { growth: 0 });
    const calm = forecastDaily(history, 7, 0);
    const spiked = [...history];
    spiked[55] = spiked[55]! * 5;
    const f = forecastDaily(spiked, 7, 0);
    finite(f);
    // Clipped at three robust standard deviations: a few percent, where unclipped smoothing would add the spike's 30%.
    expect(f.total / calm.total).toBeLessThan(1.1);
  });

  it('a spike two weeks ago does not inflate that weekday', () => {
    const history = series('spike-weekday', 56, { growth: 0 });
    history[45] = history[45]! * 5; // a Wednesday
    const f = forecastDaily(history, 7, 0);
    // Wednesday stays near its usual share of Tuesday and Thursday.
    expect(f.daily[3]! / ((f.daily[2]! + f.daily[4]!) / 2)).toBeLessThan((WEEK[3]! / ((WEEK[2]! + WEEK[4]!) / 2)) * 1.1);
  });

  it('a lasting step (agents added) moves the level within days', () => {
    const history = series('step', 56, { growth: 0 }).map((v, d) => (d >= 46 ? v * 1.3 : v));
    const f = forecastDaily(history, 7, 0);
    const before = sum(WEEK) * 1000;
    expect(f.total / before).toBeGreaterThan(1.2);
    expect(f.total / before).toBeLessThan(1.4);
  });

  it('a history that starts at (near) nothing still follows the spending that came after it', () => {
    // Two quiet weeks froze the level at zero (its scale was zero, so every surprise was clipped to nothing).
    const fromNothing = forecastDaily([0.01, ...Array<number>(13).fill(0), ...Array<number>(42).fill(1000)], 7, 0);
    expect(fromNothing.total / 7000).toBeGreaterThan(0.9);
    expect(fromNothing.total / 7000).toBeLessThan(1.1);
    // Four weeks after a hundredfold step, the forecast is the new level, not a fifth of it.
    const stepped = forecastDaily([...Array<number>(28).fill(10), ...Array<number>(28).fill(1000)], 7, 0);
    expect(stepped.daily[0]! / 1000).toBeGreaterThan(0.9);
  });

  it('a quiet holiday week in the history keeps the weekday shape', () => {
    const history = series('holiday', 56, { growth: 0 }).map((v, d) => (d >= 21 && d < 28 ? v * 0.35 : v));
    const profile = weeklyProfile(history, 0);
    const truth = WEEK.map((w) => w / mean(WEEK));
    profile.forEach((p, d) => expect(Math.abs(p - truth[d]!) / truth[d]!).toBeLessThan(0.06));
    const f = forecastDaily(history, 7, 0);
    expect(Math.abs(f.total - sum(WEEK) * 1000) / (sum(WEEK) * 1000)).toBeLessThan(0.06);
  });

  it('the interval holds the outcome of a noise-only series most of the time, and is not vacuous', () => {
    let held = 0;
    let runs = 0;
    const widths: number[] = [];
    for (const seed of ['n1', 'n2', 'n3', 'n4']) {
      const daily = series(`noise/${seed}`, 140, { growth: 0 });
      for (let origin = 56; origin + 7 <= daily.length; origin += 3) {
        const f = forecastDaily(daily.slice(origin - 56, origin), 7, (origin - 56) % 7);
        const actual = sum(daily.slice(origin, origin + 7));
        if (actual >= f.lower && actual <= f.upper) held++;
        runs++;
        widths.push((f.upper - f.lower) / f.total);
      }
    }
    expect(held / runs).toBeGreaterThanOrEqual(0.9);
    // 5% daily noise: a week's total is known to within a few percent, not within 50%.
    expect(mean(widths)).toBeLessThan(0.3);
  });

  it('widens the interval with the horizon, as the level error accumulates', () => {
    expect(totalErrorFactor(0)).toBe(0);
    expect(totalErrorFactor(1)).toBe(1);
    // Faster than independent days (sqrt H): a level error repeats on every later day.
    expect(totalErrorFactor(30)).toBeGreaterThan(Math.sqrt(30) * 3);
    const history = series('horizon', 56);
    const week = forecastDaily(history, 7, 0);
    const month = forecastDaily(history, 30, 0);
    expect((month.upper - month.lower) / month.total).toBeGreaterThan((week.upper - week.lower) / week.total);
  });

  it('answers sanely with no, short, empty-horizon or zero history', () => {
    expect(forecastDaily([], 7, 3)).toMatchObject({ daily: [0, 0, 0, 0, 0, 0, 0], total: 0, lower: 0, upper: 0, method: 'no history' });
    const short = forecastDaily([120, 130, 110], 7, 2);
    finite(short);
    expect(short.daily).toHaveLength(7);
    expect(short.total).toBeGreaterThan(7 * 100);
    expect(short.total).toBeLessThan(7 * 140);
    expect(forecastDaily([120, 130, 110], 0, 2)).toMatchObject({ daily: [], total: 0 });
    const zeros = forecastDaily(Array(30).fill(0), 7, 0);
    finite(zeros);
    expect(zeros.total).toBe(0);
  });

  it('a weekday that never spends is forecast near zero, without NaN', () => {
    // Weekends off entirely.
    const history = series('weekends-off', 56, { growth: 0 }).map((v, d) => (d % 7 === 0 || d % 7 === 6 ? 0 : v));
    const f = forecastDaily(history, 7, 0);
    finite(f);
    expect(f.daily[0]!).toBeLessThan(0.05 * f.daily[2]!);
    expect(f.daily[6]!).toBeLessThan(0.05 * f.daily[2]!);
  });
});
