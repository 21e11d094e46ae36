import type { Budget, Vendor } from '@ai-arm/schemas';
import { chDateTime } from '../connectors/types';
import type { LedgerCell } from '../costs/ledger';
import { attoToNumber } from '../costs/money';
import { periodWindow } from '../costs/periods';
import type { CostService } from '../costs/service';
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
const hourOf = (c: LedgerCell) => Date.parse(`${c.day.replace(' ', 'T')}Z`) / 1000;

function add(map: Map<string, Series>, labels: Labels, hour: number, amount: number): void {
  if (amount === 0) return;
  const key = labelText(labels);
  let s = map.get(key);
  if (!s) map.set(key, (s = { labels, hours: new Map() }));
  s.hours.set(hour, (s.hours.get(hour) ?? 0) + amount);
}

/** One sample per step; an hour's amount counts once the hour is over, as the live counter sees it. */
function counterSamples(name: string, s: Series, w: HistoryWindow): string[] {
  const hours = [...s.hours.keys()].filter((h) => h >= w.from).sort((a, b) => a - b);
  const lines: string[] = [];
  let total = 0;
  let i = 0;
  for (let t = w.from; t <= w.to; t += w.stepSeconds) {
    while (i < hours.length && hours[i]! + HOUR <= t) total += s.hours.get(hours[i++]!)!;
    lines.push(`${name}${labelText(s.labels)} ${total} ${t}`);
  }
  return lines;
}

/**
 * The history a Prometheus installed after the collector lacks, rebuilt from the stored vendor
 * reports as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`: the usage and cost
 * counters (cumulative from `from`, under the same labels as the live ones) and each budget's
 * spent ratio and period. Ending the window where the live counters begin keeps the two apart:
 * Prometheus then reads the live series' start as a counter reset, which rate() handles.
 */
export async function metricsHistory(costs: CostService, organizationId: string, budgets: readonly Budget[], w: HistoryWindow): Promise<string> {
  // A budget's spent ratio counts its whole period, which may begin before the window.
  const periodStarts = budgets.map((b) => Date.parse(periodWindow(b.period, new Date(w.from * 1000)).from) / 1000);
  const queryFrom = Math.min(w.from, ...periodStarts);
  const cells = await costs.ledger({ organizationId, from: chDateTime(queryFrom), to: chDateTime(w.to) }, 'agent', undefined, 'hour');

  const target = w.labels ?? {};
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
    add(unpriced, base, hour, c.unpricedTokens);
  }

  const out: string[] = [];
  const family = (name: string, type: 'counter' | 'gauge', help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  family('ai_arm_cost_usd', 'counter', 'Priced cost in US dollars, rebuilt from stored vendor reports.');
  for (const s of cost.values()) out.push(...counterSamples('ai_arm_cost_usd_total', s, w));
  family('ai_arm_tokens', 'counter', 'Tokens by type, rebuilt from stored vendor reports.');
  for (const s of tokens.values()) out.push(...counterSamples('ai_arm_tokens_total', s, w));
  family('ai_arm_tokens_unpriced', 'counter', 'Tokens the price table cannot price, rebuilt from stored vendor reports.');
  for (const s of unpriced.values()) out.push(...counterSamples('ai_arm_tokens_unpriced_total', s, w));

  family('ai_arm_budget_spent_ratio', 'gauge', "Spend in the budget's period so far divided by its amount.");
  const periods: string[] = [];
  for (const b of budgets) {
    const hours = new Map<number, number>();
    for (const c of cells) if ((!b.vendor || c.vendor === b.vendor) && (!b.agentId || c.dim === b.agentId)) hours.set(hourOf(c), (hours.get(hourOf(c)) ?? 0) + attoToNumber(c.cost));
    const sorted = [...hours.keys()].sort((x, y) => x - y);
    const amount = Number(b.amount);
    const labels = labelText({ ...target, budget: b.name });
    // One pass over steps and hours together: the spend so far restarts with each period.
    let i = 0;
    let spent = 0;
    let periodStart = -Infinity;
    for (let t = w.from; t <= w.to; t += w.stepSeconds) {
      const p = periodWindow(b.period, new Date(t * 1000));
      const start = Date.parse(p.from) / 1000;
      if (start !== periodStart) {
        periodStart = start;
        spent = 0;
        while (i < sorted.length && sorted[i]! < start) i++;
      }
      while (i < sorted.length && sorted[i]! + HOUR <= t) spent += hours.get(sorted[i++]!)!;
      out.push(`ai_arm_budget_spent_ratio${labels} ${amount > 0 ? spent / amount : 0} ${t}`);
      periods.push(`ai_arm_budget_period_seconds${labels} ${Date.parse(p.to) / 1000 - start} ${t}`);
    }
  }
  family('ai_arm_budget_period_seconds', 'gauge', "Length in seconds of the budget's period.");
  out.push(...periods, '# EOF', '');
  return out.join('\n');
}
