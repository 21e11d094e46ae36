import { loadPriceTable } from '@ai-arm/schemas';
import type { App } from '../../src/app';
import { costStateRefresher } from '../../src/costs/after-poll';
import { judgeLatestHour } from '../../src/costs/anomaly';
import { attoToNumber } from '../../src/costs/money';
import { OPTIMIZATION_RULES } from '../../src/costs/optimizations';
import { PriceBook } from '../../src/costs/price-book';
import { CostService } from '../../src/costs/service';
import { asTenant } from '../../src/stores/tenant-scope';
import type { PrometheusSink } from '../../src/metrics/prometheus-sink';
import type { Instruments } from '../../src/metrics/instruments.generated';
import type { Stores } from '../../src/stores';
import type { Simulator } from '../../src/simulator/server';
import { polledApp, type PolledApp } from '../support/polled-app';
import { quietLogger } from '../support/stores';
import { systemDb, systemTelemetry } from '../support/system-db';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000 + 1234;
const cents = (s: string | null) => Math.round(Number(s) * 100);

describe('forecast, budgets, cost alerts and optimisations (real chdb and PGlite, simulator data)', () => {
  let t: PolledApp;
  let app: App;
  let org: string;
  let stores: Stores;
  let sink: PrometheusSink;
  let metrics: Instruments;
  let sim: Simulator;
  const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await app.inject({ method, url, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.json() };
  };

  beforeAll(async () => {
    t = await polledApp({ now: NOW, agents: 24, backfillDays: 21 });
    ({ app, org, stores, sink, metrics, sim } = t);
  });
  afterAll(async () => t?.close());

  it('forecasts the next 7 and 30 days with an interval around the point forecast', async () => {
    const { status, body } = await call('GET', '/api/v1/costs/forecast');
    expect(status).toBe(200);
    expect(body.data.historyDays).toBeGreaterThanOrEqual(20);
    const [week, month] = body.data.horizons;
    expect([week.days, month.days]).toEqual([7, 30]);
    for (const h of [week, month]) {
      expect(Number(h.lower)).toBeLessThanOrEqual(Number(h.total));
      expect(Number(h.upper)).toBeGreaterThanOrEqual(Number(h.total));
      expect(h.daily).toHaveLength(h.days);
    }
    // The simulator's traffic is stationary: a week's forecast is near the last full week's spend.
    const last = await call('GET', '/api/v1/costs/breakdown?by=vendor&from=2026-11-13&to=2026-11-19');
    const lastWeek = last.body.data.reduce((s: number, r: { cost: string }) => s + Number(r.cost), 0);
    expect(Number(week.total)).toBeGreaterThan(lastWeek * 0.7);
    expect(Number(week.total)).toBeLessThan(lastWeek * 1.3);
  });

  it('a budget reports its spend for the current period, and its spent ratio becomes a metric', async () => {
    const created = await call('POST', '/api/v1/costs/budget', { name: 'org monthly', period: 'MONTH', amount: '5000' });
    expect(created.status).toBe(201);
    const summary = (await call('GET', '/api/v1/costs/summary')).body.data.find((p: { period: string }) => p.period === 'month');
    expect(created.body.data.status.spent).toBe(summary.computedCost);
    expect(created.body.data.status.spentRatio).toBeCloseTo(Number(summary.computedCost) / 5000, 4);
    await asTenant(org, () => costStateRefresher(new CostService(stores, loadPriceTable()), stores.controlPlane, metrics, quietLogger())(org, new Date(NOW * 1000)));
    const line = (await sink.render()).split('\n').find((l) => l.startsWith(`ai_arm_budget_spent_ratio{organization_id="${org}",budget="org monthly"}`));
    expect(Number(line?.slice(line.lastIndexOf(' ') + 1))).toBeCloseTo(created.body.data.status.spentRatio, 4);

    const bad = await call('POST', '/api/v1/costs/budget', { name: 'x', period: 'YEAR', amount: '-3', agentId: 'nope' });
    expect(bad).toMatchObject({ status: 400, body: { success: false, error: { code: 'VALIDATION_ERROR' } } });
    expect((await call('GET', '/api/v1/costs/budget')).body.data.map((b: { name: string }) => b.name)).toContain('org monthly');
  });

  it('threshold and forecast alerts fire when the data crosses them, and not otherwise', async () => {
    const low = await call('POST', '/api/v1/costs/alerts', { name: 'any spend today', alertType: 'THRESHOLD', threshold: '0.01', period: 'DAY' });
    expect(low.status).toBe(201);
    expect(low.body.data).toMatchObject({ firing: true, triggeredAt: expect.any(String) });
    const high = await call('POST', '/api/v1/costs/alerts', { name: 'a fortune today', alertType: 'THRESHOLD', threshold: '1000000', period: 'DAY' });
    expect(high.body.data.firing).toBe(false);
    const forecast = await call('POST', '/api/v1/costs/alerts', { name: 'month over 1 dollar', alertType: 'FORECAST', threshold: '1', period: 'MONTH' });
    expect(forecast.body.data.firing).toBe(true);
    expect(forecast.body.data.message).toMatch(/forecast to spend \$[0-9.]+ this month/);
    // Forecast over budget: the budget's amount, period and scope.
    const tiny = await call('POST', '/api/v1/costs/budget', { name: 'tiny weekly', period: 'WEEK', amount: '1' });
    const overBudget = await call('POST', '/api/v1/costs/alerts', { name: 'week over budget', alertType: 'FORECAST', budgetId: tiny.body.data.id });
    expect(overBudget.body.data).toMatchObject({ firing: true, budgetId: tiny.body.data.id, message: expect.stringMatching(/budget "tiny weekly" is forecast to spend \$[0-9.]+ this week \(budget \$1.00\)/) });
    const roomy = await call('POST', '/api/v1/costs/budget', { name: 'roomy weekly', period: 'WEEK', amount: '99999999' });
    expect((await call('POST', '/api/v1/costs/alerts', { name: 'week within budget', alertType: 'FORECAST', budgetId: roomy.body.data.id })).body.data.firing).toBe(false);
    const noThreshold = await call('POST', '/api/v1/costs/alerts', { name: 'broken', alertType: 'THRESHOLD' });
    expect(noThreshold).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_ERROR', details: { field: 'body/threshold' } } } });
  });

  it('an anomaly alert stays quiet on ordinary traffic and fires on a spike in the last hour', async () => {
    const quiet = await call('POST', '/api/v1/costs/alerts', { name: 'spend spike', alertType: 'ANOMALY' });
    expect(quiet.body.data.firing).toBe(false);
    // A vendor reports a runaway hour: 2 billion output tokens of Opus in the last complete hour.
    const hour = new Date((Math.floor(NOW / 3600) - 1) * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ');
    const [conn] = await systemDb(stores.controlPlane).query<{ id: string }>("SELECT id FROM connections WHERE organization_id = $1 AND vendor = 'ANTHROPIC'", [org]);
    await stores.telemetry.insert('vendor_usage', [
      { organization_id: org, connection_id: conn!.id, vendor: 'ANTHROPIC', bucket_start: hour, bucket_width: '1h', project_id: 'wrkspc_runaway', api_key_id: 'apikey_runaway', model: 'claude-opus-4-1-20250805', operation: 'chat', service_tier: 'standard', context_window: '0-200k', requests: 1, input_tokens: 1000, cache_read_tokens: 0, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, output_tokens: 2_000_000, polled_at: new Date().toISOString().replace('T', ' ').slice(0, 23) },
    ]);
    await asTenant(org, () => costStateRefresher(new CostService(stores, loadPriceTable()), stores.controlPlane, metrics, quietLogger())(org, new Date(NOW * 1000)));
    const alerts = (await call('GET', '/api/v1/costs/alerts')).body.data as { name: string; firing: boolean; message: string }[];
    expect(alerts.find((a) => a.name === 'spend spike')).toMatchObject({ firing: true, message: expect.stringContaining('robust z') });
    expect(await sink.render()).toMatch(/ai_arm_cost_alert_firing\{organization_id="[^"]+",alert_name="spend spike",alert_type="anomaly"\} 1/);
    expect(await sink.render()).toMatch(/ai_arm_cost_alert_firing\{organization_id="[^"]+",alert_name="a fortune today",alert_type="threshold"\} 0/);
  });

  it('the anomaly rule: a flat series with a spike fires, daily seasonality alone does not', () => {
    const daily = Array.from({ length: 8 * 24 }, (_, i) => 10 + 8 * Math.sin((2 * Math.PI * (i % 24)) / 24));
    expect(judgeLatestHour(daily).anomalous).toBe(false);
    expect(judgeLatestHour([...daily.slice(0, -1), daily[daily.length - 1]! * 4]).anomalous).toBe(true);
  });

  it('each optimisation saves exactly what re-pricing the organisation’s own token mix under the change saves', async () => {
    const { body } = await call('GET', '/api/v1/costs/optimizations?from=2026-10-31&to=2026-11-19');
    const found = body.data as { agentId: string | null; optimizationType: string; currentCost: string; projectedSavings: string; recommendation: string }[];
    expect(new Set(found.map((o) => o.optimizationType))).toEqual(new Set(['MODEL_DOWNGRADE', 'PROMPT_CACHING', 'BATCH_API']));
    const book = new PriceBook(loadPriceTable());
    const rows = await systemTelemetry(stores.telemetry).query<{ vendor: string; model: string; day: string; service_tier: string; context_window: string; input: number; cache_read: number; cache_write_5m: number; cache_write_1h: number; output: number }>(
      `SELECT vendor, model, toDate(bucket_start) AS day, service_tier, context_window, sum(input_tokens) AS input, sum(cache_read_tokens) AS cache_read,
              sum(cache_write_5m_tokens) AS cache_write_5m, sum(cache_write_1h_tokens) AS cache_write_1h, sum(output_tokens) AS output
         FROM {db:Identifier}.vendor_usage FINAL
        WHERE organization_id = {org:UUID} AND bucket_start >= '2026-10-31 00:00:00' AND bucket_start < '2026-11-20 00:00:00' AND project_id != 'wrkspc_runaway'
        GROUP BY vendor, model, day, service_tier, context_window`,
      { org },
    );
    const cost = (rs: typeof rows) => rs.reduce((s, r) => {
      const p = book.price({ vendor: r.vendor, model: r.model, day: r.day, serviceTier: r.service_tier, contextWindow: r.context_window, tokens: r });
      if (!p.priced) throw new Error(p.reason);
      return s + attoToNumber(p.cost);
    }, 0);
    for (const o of found) {
      const model = /(\S+) traffic|on (\S+) is|this (\S+) traffic/.exec(o.recommendation)!.slice(1).find(Boolean)!;
      const mine = rows.filter((r) => r.model === model);
      let changed: typeof rows;
      if (o.optimizationType === 'MODEL_DOWNGRADE') changed = mine.map((r) => ({ ...r, model: /to (\S+),/.exec(o.recommendation)![1]! }));
      else if (o.optimizationType === 'BATCH_API') changed = mine.map((r) => ({ ...r, service_tier: 'batch' }));
      else {
        changed = mine.map((r) => {
          const moved = Math.max(0, Math.round((r.input + r.cache_read) * OPTIMIZATION_RULES.targetCacheHitRate) - r.cache_read);
          const writes = r.vendor === 'ANTHROPIC' ? Math.round(moved / OPTIMIZATION_RULES.readsPerWrite) : 0;
          return { ...r, input: r.input - moved, cache_read: r.cache_read + moved, cache_write_5m: r.cache_write_5m + writes };
        });
      }
      expect([o.optimizationType, model, cents(o.currentCost)]).toEqual([o.optimizationType, model, Math.round(cost(mine) * 100)]);
      expect([o.optimizationType, model, cents(o.projectedSavings)]).toEqual([o.optimizationType, model, Math.round((cost(mine) - cost(changed)) * 100)]);
    }
  });
});
