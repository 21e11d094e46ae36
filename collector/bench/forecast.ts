/**
 * Backtests the cost forecast and the spend anomaly rule:
 *   npm run bench:forecast [-- --agents 200 --days 120 --seed forecast --histories 6 --history-days 182]
 * Forecast: rolling origin over seeded daily cost histories shaped like an organisation's spend
 * (weekly seasonality, growth, a step when agents are added, spikes, a quiet holiday week, noise).
 * Each origin sees the last 56 days, as forecastSpend does. For 7- and 30-day horizons prints the
 * MAPE of the horizon total beside two baselines (seasonal naive: the same weekday last week,
 * repeated; naive: the last 7 days' mean, repeated; for a 7-day total the two coincide), the
 * forecast/seasonal-naive ratio, the MAPE of the daily points, and how often the ~95% interval
 * held the actual total (--days and --agents size the anomaly part's simulated hours).
 * Anomaly: the simulator's hourly cost with spikes injected (cost x3 for 3 hours, once every
 * 4 days on average); prints detection rate and delay, and false alarms per day.
 */
import { parseArgs } from 'node:util';
import { judgeLatestHour } from '../src/costs/anomaly';
import { forecastDaily } from '../src/costs/forecast';
import { createState } from '../src/simulator/state';
import { truth } from '../src/simulator/truth';
import { unit } from '../src/simulator/random';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '200' },
    days: { type: 'string', default: '120' },
    seed: { type: 'string', default: 'forecast' },
    histories: { type: 'string', default: '6' },
    'history-days': { type: 'string', default: '182' },
  },
});
const AGENTS = Number(values.agents);
const DAYS = Number(values.days);
const HISTORIES = Number(values.histories);
const HISTORY_DAYS = Number(values['history-days']);
const HOUR = 3600;
const DAY = 86400;
/** What forecastSpend hands the model. */
const WINDOW = 56;

const end = Math.floor(Date.UTC(2026, 10, 1) / 1000 / DAY) * DAY;
const start = end - DAYS * DAY;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

interface History {
  daily: number[];
  firstWeekday: number;
  notes: string;
}

/**
 * One organisation's daily cost, fixed by the seed. The holiday week falls before the first
 * scored origin: no forecast without a calendar can see one coming, and what is measured is
 * that a quiet week in the history does not bend the forecasts made after it.
 */
function costHistory(seed: string, days: number): History {
  const u = (...parts: (string | number)[]) => unit(seed, ...parts);
  const firstWeekday = Math.floor(u('weekday') * 7);
  // Sunday first: business days carry the agents' work, weekends a batch trickle.
  const week = [0.45, 1.05, 1.12, 1.1, 1.08, 0.95, 0.4].map((w, d) => w * (1 + 0.1 * (u('week', d) - 0.5)));
  const base = 400 + 500 * u('base');
  const growth = 0.0005 + 0.002 * u('growth');
  const stepDay = 70 + Math.floor(u('step-day') * (days - 110));
  const stepBy = 1.15 + 0.2 * u('step-by');
  const holiday = 28 + Math.floor(u('holiday') * 21);
  const spikes: number[] = [];
  const daily = Array.from({ length: days }, (_, d) => {
    let v = base * week[(firstWeekday + d) % 7]! * Math.exp(growth * d);
    if (d >= stepDay) v *= stepBy;
    if (d >= holiday && d < holiday + 7) v *= 0.35;
    // Roughly normal (sum of four uniforms), 5% standard deviation in log terms.
    const z = (u('noise', d, 0) + u('noise', d, 1) + u('noise', d, 2) + u('noise', d, 3) - 2) * Math.sqrt(3);
    v *= Math.exp(0.05 * z);
    if (u('spike', d) < 1 / 30) {
      spikes.push(d);
      v *= 1.3 + 0.7 * u('spike-by', d);
    }
    return v;
  });
  const notes = `base $${base.toFixed(0)}/day, growth ${(100 * growth).toFixed(2)}%/day, agents added day ${stepDay} (x${stepBy.toFixed(2)}), holiday days ${holiday}-${holiday + 6}, ${spikes.length} spike${spikes.length === 1 ? '' : 's'}`;
  return { daily, firstWeekday, notes };
}

const histories = Array.from({ length: HISTORIES }, (_, k) => costHistory(`${values.seed}/${k}`, HISTORY_DAYS));
console.log(`forecast: ${HISTORIES} seeded histories of ${HISTORY_DAYS} days, each origin sees the last ${WINDOW} days`);
histories.forEach((h, k) => console.log(`  history ${k}: ${h.notes}`));
for (const horizon of [7, 30]) {
  const totalErr: number[] = [];
  const pointErr: number[] = [];
  const seasonalErr: number[] = [];
  const naiveErr: number[] = [];
  const coverage: number[] = [];
  let covered = 0;
  let runs = 0;
  for (const { daily, firstWeekday } of histories) {
    let held = 0;
    let origins = 0;
    for (let origin = WINDOW; origin + horizon <= daily.length; origin++) {
      const seen = daily.slice(origin - WINDOW, origin);
      const f = forecastDaily(seen, horizon, (firstWeekday + origin - WINDOW) % 7);
      const actual = daily.slice(origin, origin + horizon);
      const total = sum(actual);
      const lastWeek = seen.slice(-7);
      totalErr.push(Math.abs(f.total - total) / total);
      actual.forEach((a, i) => pointErr.push(Math.abs(f.daily[i]! - a) / a));
      seasonalErr.push(Math.abs(sum(actual.map((_, i) => lastWeek[i % 7]!)) - total) / total);
      naiveErr.push(Math.abs(mean(lastWeek) * horizon - total) / total);
      if (total >= f.lower && total <= f.upper) held++;
      origins++;
    }
    coverage.push(held / origins);
    covered += held;
    runs += origins;
  }
  console.log(
    `forecast ${String(horizon).padStart(2)} days (${runs} origins): MAPE of total ${pct(mean(totalErr))}, seasonal naive ${pct(mean(seasonalErr))} (ratio ${(mean(totalErr) / mean(seasonalErr)).toFixed(2)}), naive last-week mean ${pct(mean(naiveErr))}; MAPE of daily points ${pct(mean(pointErr))}; 95% interval coverage ${pct(covered / runs)} (per history ${pct(Math.min(...coverage))}-${pct(Math.max(...coverage))})`,
  );
}

const state = createState({ agents: AGENTS, seed: values.seed!, now: end + DAY });
const hourly: number[] = [];
for (let h = start; h < end; h += HOUR) hourly.push(truth(state, h, h + HOUR).reduce((s, r) => s + r.billedUsd, 0));

// Anomalies: spikes injected at seeded hours after the first week (the rule needs 7 days of peers).
const spiked = [...hourly];
const spikes: number[] = [];
for (let h = 8 * 24; h < hourly.length - 3; h++) {
  if (unit(values.seed!, 'spike', h) < 1 / (4 * 24) && (spikes.length === 0 || h - spikes[spikes.length - 1]! > 24 * 2)) {
    spikes.push(h);
    for (let k = 0; k < 3; k++) spiked[h + k]! *= 3;
  }
}
let falseAlarms = 0;
const delays: number[] = [];
const detected = new Set<number>();
for (let h = 8 * 24; h < spiked.length; h++) {
  // The rule sees only the past, and the spike hours it saw are part of that past.
  const v = judgeLatestHour(spiked.slice(0, h + 1));
  if (!v.anomalous) continue;
  const s = spikes.find((x) => h >= x && h < x + 3);
  if (s === undefined) falseAlarms++;
  else if (!detected.has(s)) {
    detected.add(s);
    delays.push(h - s);
  }
}
const judgedDays = (spiked.length - 8 * 24) / 24;
console.log(`anomaly: ${spikes.length} spikes (x3 for 3 hours) over ${judgedDays.toFixed(0)} judged days: detected ${detected.size} (${pct(detected.size / Math.max(1, spikes.length))}), mean delay ${mean(delays).toFixed(2)} h (0 = flagged as soon as the first spike hour is judged), false alarms ${falseAlarms} (${(falseAlarms / judgedDays).toFixed(3)} per day)`);
