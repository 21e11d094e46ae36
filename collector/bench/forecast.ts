/**
 * Backtests the cost forecast and the spend anomaly rule on simulated history:
 *   npm run bench:forecast [-- --agents 200 --days 120 --seed forecast]
 * Forecast: rolling origin over the simulator's daily billed cost; for 7- and 30-day horizons
 * prints MAPE of the horizon total, MAPE of the daily points, and how often the ~95% interval
 * held the actual total, beside a naive baseline (last 7 days' mean, repeated).
 * Anomaly: the simulator's hourly cost with spikes injected (cost x3 for 3 hours, once every
 * 4 days on average); prints detection rate and delay, and false alarms per day.
 */
import { parseArgs } from 'node:util';
import { judgeLatestHour } from '../src/costs/anomaly';
import { forecastDaily } from '../src/costs/forecast';
import { createState } from '../src/simulator/state';
import { truth } from '../src/simulator/truth';
import { unit } from '../src/simulator/random';

const { values } = parseArgs({ options: { agents: { type: 'string', default: '200' }, days: { type: 'string', default: '120' }, seed: { type: 'string', default: 'forecast' } } });
const AGENTS = Number(values.agents);
const DAYS = Number(values.days);
const HOUR = 3600;
const DAY = 86400;

const end = Math.floor(Date.UTC(2026, 10, 1) / 1000 / DAY) * DAY;
const start = end - DAYS * DAY;
const state = createState({ agents: AGENTS, seed: values.seed!, now: end + DAY });

const hourly: number[] = [];
for (let h = start; h < end; h += HOUR) hourly.push(truth(state, h, h + HOUR).reduce((s, r) => s + r.billedUsd, 0));
const daily = Array.from({ length: DAYS }, (_, d) => hourly.slice(d * 24, d * 24 + 24).reduce((a, b) => a + b, 0));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

console.log(`simulated history: ${AGENTS} agents, ${DAYS} days, mean daily cost $${mean(daily).toFixed(2)}`);
for (const horizon of [7, 30]) {
  const totalErr: number[] = [];
  const pointErr: number[] = [];
  const naiveErr: number[] = [];
  let covered = 0;
  let runs = 0;
  for (let origin = 28; origin + horizon <= DAYS; origin++) {
    const f = forecastDaily(daily.slice(0, origin), horizon, new Date(start * 1000).getUTCDay());
    const actual = daily.slice(origin, origin + horizon);
    const total = actual.reduce((a, b) => a + b, 0);
    totalErr.push(Math.abs(f.total - total) / total);
    actual.forEach((a, i) => pointErr.push(Math.abs(f.daily[i]! - a) / a));
    naiveErr.push(Math.abs(mean(daily.slice(origin - 7, origin)) * horizon - total) / total);
    if (total >= f.lower && total <= f.upper) covered++;
    runs++;
  }
  console.log(`forecast ${String(horizon).padStart(2)} days (${runs} origins): MAPE of total ${pct(mean(totalErr))} (naive last-week mean: ${pct(mean(naiveErr))}), MAPE of daily points ${pct(mean(pointErr))}, 95% interval coverage ${pct(covered / runs)}`);
}

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
