import type { Budget, Vendor } from '@ai-arm/schemas';
import { chDateTime } from '../connectors/types';
import type { LedgerCell } from '../costs/ledger';
import { attoToNumber } from '../costs/money';
import { periodWindow } from '../costs/periods';
import type { CostService } from '../costs/service';
import { iso } from '../stores/clickhouse/time-text';
import { vendorToProvider } from './instruments.generated';
import { escapeValue } from './prometheus-sink';

const HOUR = 3600;

export interface HistoryWindow {
  /** Unix seconds, whole hours: samples run from `from` to `to`, and count the hour buckets between. */
  from: number;
  to: number;
  stepSeconds: number;
  /** Added to every series: the target labels (job, instance) Prometheus adds when it scrapes. */
  labels?: Labels;
}

type Labels = Record<string, string>;
interface Series {
  labels: Labels;
  /** Amount per hour bucket start (unix seconds). */
  hours: Map<number, number>;
}

const labelText = (l: Labels) => `{${Object.entries(l).map(([k, v]) => `${k}="${escapeValue(v)}"`).join(',')}}`;
const hourOf = (c: LedgerCell) => Date.parse(iso(c.day)) / 1000;

function add(map: Map<string, Series>, labels: Labels, hour: number, amount: number): void {
  if (amount === 0) return;
  const key = labelText(labels);
  let s = map.get(key);
  if (!s) map.set(key, (s = { labels, hours: new Map() }));
  s.hours.set(hour, (s.hours.get(hour) ?? 0) + amount);
}

/** One sample per step; an hour's amount counts once the hour is over, as the live counter sees it. */
function* counterSamples(name: string, s: Series, w: HistoryWindow): Generator<string> {
  const hours = [...s.hours.keys()].filter((h) => h >= w.from).sort((a, b) => a - b);
  const series = `${name}${labelText(s.labels)}`;
  let total = 0;
  let i = 0;
  for (let t = w.from; t <= w.to; t += w.stepSeconds) {
    while (i < hours.length && hours[i]! + HOUR <= t) total += s.hours.get(hours[i++]!)!;
    yield `${series} ${total} ${t}`;
  }
}

/** Samples each series has over the window: what a caller's `step` multiplies. */
export const samplesPerSeries = (w: Pick<HistoryWindow, 'from' | 'to' | 'stepSeconds'>) => Math.floor((w.to - w.from) / w.stepSeconds) + 1;

/** Lines joined into chunks of about this many characters: few writes, and memory that does not grow with the answer. */
const CHUNK = 64 * 1024;

function* chunked(lines: Iterable<string>): Generator<string> {
  let buf = '';
  for (const line of lines) {
    buf += `${line}\n`;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/**
 * The history a Prometheus installed after the collector lacks, rebuilt from the stored vendor
 * reports as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`: the usage and cost
 * counters (cumulative from `from`, under the same labels as the live ones) and each budget's
 * spent ratio and period. Ending the window where the live counters begin keeps the two apart:
 * Prometheus then reads the live series' start as a counter reset, which rate() handles.
 *
 * The stored reports are read before the first byte goes out, so a failing query still gets an
 * error answer; the text itself is produced chunk by chunk as the caller reads it, since its
 * size is series × samples and a small `step` over a long window makes that gigabytes.
 */
export async function metricsHistory(costs: CostService, organizationId: string, budgets: readonly Budget[], w: HistoryWindow): Promise<Iterable<string>> {
  // A budget's spent ratio counts its whole period, which may begin before the window.
  const periodStarts = budgets.map((b) => Date.parse(periodWindow(b.period, new Date(w.from * 1000)).from) / 1000);
  const queryFrom = Math.min(w.from, ...periodStarts);
  const cells = await costs.ledger({ organizationId, from: chDateTime(queryFrom), to: chDateTime(w.to) }, 'agent', undefined, 'hour');

  // The organisation label the live series carry, so backfilled and scraped series are one series.
  const target = { ...(w.labels ?? {}), organization_id: organizationId };
  const cost = new Map<string, Series>();
  const tokens = new Map<string, Series>();
  const unpriced = new Map<string, Series>();
  for (const c of cells) {
    const hour = hourOf(c);
    const base = { ...target, gen_ai_provider_name: vendorToProvider(c.vendor as Vendor), gen_ai_request_model: c.model };
    const agent = c.dim || 'unattributed';
    if (c.cost > 0n) add(cost, { ...base, gen_ai_agent_id: agent }, hour, attoToNumber(c.cost));
    const types = { input: c.tokens.input, output: c.tokens.output, cache_read: c.tokens.cache_read, cache_write: c.tokens.cache_write_5m + c.tokens.cache_write_1h };
    for (const [type, n] of Object.entries(types)) add(tokens, { ...base, gen_ai_token_type: type, gen_ai_agent_id: agent }, hour, n);
    add(unpriced, { ...base, source: 'vendor_report' }, hour, c.unpricedTokens);
  }

  return chunked(historyLines(cells, budgets, w, target, { cost, tokens, unpriced }));
}

function* historyLines(cells: LedgerCell[], budgets: readonly Budget[], w: HistoryWindow, target: Labels, series: Record<'cost' | 'tokens' | 'unpriced', Map<string, Series>>): Generator<string> {
  const family = (name: string, type: 'counter' | 'gauge', help: string) => [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  yield* family('ai_arm_cost_usd', 'counter', 'Priced cost in US dollars, rebuilt from stored vendor reports.');
  for (const s of series.cost.values()) yield* counterSamples('ai_arm_cost_usd_total', s, w);
  yield* family('ai_arm_tokens', 'counter', 'Tokens by type, rebuilt from stored vendor reports.');
  for (const s of series.tokens.values()) yield* counterSamples('ai_arm_tokens_total', s, w);
  yield* family('ai_arm_tokens_unpriced', 'counter', 'Tokens the price table cannot price, rebuilt from stored vendor reports.');
  for (const s of series.unpriced.values()) yield* counterSamples('ai_arm_tokens_unpriced_total', s, w);

  yield* family('ai_arm_budget_spent_ratio', 'gauge', "Spend in the budget's period so far divided by its amount.");
  for (const b of budgets) yield* spentRatioSamples(b, cells, w, labelText({ ...target, budget: b.name }));
  yield* family('ai_arm_budget_period_seconds', 'gauge', "Length in seconds of the budget's period.");
  for (const b of budgets) {
    const labels = labelText({ ...target, budget: b.name });
    for (let t = w.from; t <= w.to; t += w.stepSeconds) {
      const p = periodWindow(b.period, new Date(t * 1000));
      yield `ai_arm_budget_period_seconds${labels} ${(Date.parse(p.to) - Date.parse(p.from)) / 1000} ${t}`;
    }
  }
  yield '# EOF';
}

function* spentRatioSamples(b: Budget, cells: LedgerCell[], w: HistoryWindow, labels: string): Generator<string> {
  const hours = new Map<number, number>();
  for (const c of cells) if ((!b.vendor || c.vendor === b.vendor) && (!b.agentId || c.dim === b.agentId)) hours.set(hourOf(c), (hours.get(hourOf(c)) ?? 0) + attoToNumber(c.cost));
  const sorted = [...hours.keys()].sort((x, y) => x - y);
  const amount = Number(b.amount);
  // One pass over steps and hours together: the spend so far restarts with each period.
  let i = 0;
  let spent = 0;
  let periodStart = -Infinity;
  for (let t = w.from; t <= w.to; t += w.stepSeconds) {
    const start = Date.parse(periodWindow(b.period, new Date(t * 1000)).from) / 1000;
    if (start !== periodStart) {
      periodStart = start;
      spent = 0;
      while (i < sorted.length && sorted[i]! < start) i++;
    }
    while (i < sorted.length && sorted[i]! + HOUR <= t) spent += hours.get(sorted[i++]!)!;
    yield `ai_arm_budget_spent_ratio${labels} ${amount > 0 ? spent / amount : 0} ${t}`;
  }
}
