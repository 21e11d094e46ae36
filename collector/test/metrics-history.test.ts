import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../src/app';
import { costStateRefresher } from '../src/costs/after-poll';
import { CostService } from '../src/costs/service';
import { asTenant } from '../src/stores/tenant-scope';
import type { PrometheusSink } from '../src/metrics/prometheus-sink';
import type { Instruments } from '../src/metrics/instruments.generated';
import type { Stores } from '../src/stores';
import { loadCatalogue, loadPriceTable } from '@ai-arm/schemas';
import { polledApp, type PolledApp } from './support/polled-app';
import { promtool } from './support/promtool';
import { quietLogger } from './support/stores';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000 + 1234;
const FROM = '2026-11-12T00:00:00Z';
const TO = '2026-11-20T00:00:00Z';

/** The last sample of every series in an OpenMetrics text, by series. */
function lastSamples(text: string, name: string): Map<string, { value: number; at: number }> {
  const out = new Map<string, { value: number; at: number }>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const [value, at] = line.slice(line.lastIndexOf('}') + 2).split(' ').map(Number);
    out.set(line.slice(0, line.lastIndexOf('}') + 1), { value: value!, at: at! });
  }
  return out;
}
const sum = (m: Map<string, { value: number }>) => [...m.values()].reduce((s, x) => s + x.value, 0);

describe('GET /api/v1/metrics/history: counters and budget gauges rebuilt for promtool backfill (real chdb, PGlite, promtool)', () => {
  let t: PolledApp;
  let app: App;
  let org: string;
  let stores: Stores;
  let sink: PrometheusSink;
  let metrics: Instruments;
  const get = async (url: string) => app.inject({ method: 'GET', url });

  beforeAll(async () => {
    t = await polledApp({ now: NOW, agents: 12, backfillDays: 12 });
    ({ app, org, stores, sink, metrics } = t);
  });
  afterAll(async () => t?.close());

  it('ends each counter at the window total the cost API reports, tokens exact and cost to the cent', async () => {
    const res = await get(`/api/v1/metrics/history?from=${FROM}&to=${TO}&step=3600`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/openmetrics-text/);
    expect(res.body.endsWith('# EOF\n')).toBe(true);
    const tokens = lastSamples(res.body, 'ai_arm_tokens_total');
    const cost = lastSamples(res.body, 'ai_arm_cost_usd_total');
    expect(new Set([...tokens.values()].map((s) => s.at))).toEqual(new Set([Date.parse(TO) / 1000]));

    const api = (await get(`/api/v1/costs/breakdown?by=vendor&from=${FROM}&to=${TO}`)).json().data as { tokens: number; cost: string }[];
    expect(sum(tokens)).toBeGreaterThan(0);
    expect(sum(tokens)).toBe(api.reduce((s, r) => s + r.tokens, 0));
    // The API rounds once per vendor, model and day; the counters sum unrounded, like the live ones.
    expect(Math.abs(sum(cost) - api.reduce((s, r) => s + Number(r.cost), 0))).toBeLessThan(0.01 * 2 * 9);
    // Every series starts at 0 at `from`, so increase() over the window sees all of it.
    expect(res.body).toMatch(new RegExp(`^ai_arm_cost_usd_total\\{[^}]+\\} 0 ${Date.parse(FROM) / 1000}$`, 'm'));
  });

  it('labels every rebuilt series exactly as the catalogue labels the live one (so backfill and scrape are one series)', async () => {
    const res = await get(`/api/v1/metrics/history?from=${FROM}&to=${TO}&step=3600&labels=job=aiarm`);
    const catalogue = loadCatalogue();
    const seen = new Set<string>();
    for (const line of res.body.split('\n')) {
      const m = /^([a-z_]+)\{([^}]*)\}/.exec(line);
      if (!m) continue;
      const def = catalogue.metrics.find((d) => d.prometheus === m[1] || `${d.prometheus}_total` === m[1] || d.prometheus === `${m[1]}_total`.replace(/_total_total$/, '_total'));
      expect(def).toBeDefined();
      const keys = [...m[2]!.matchAll(/([a-z_]+)="/g)].map((k) => k[1]).filter((k) => k !== 'job').sort();
      const wanted = def!.labels.filter((l) => !(def!.optionalLabels ?? []).includes(l)).sort();
      expect({ metric: m[1], keys }).toEqual({ metric: m[1], keys: wanted });
      seen.add(m[1]!);
    }
    expect([...seen]).toEqual(expect.arrayContaining(['ai_arm_cost_usd_total', 'ai_arm_tokens_total']));
  });

  it("gives each budget its spent ratio over time and its period's length", async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/costs/budget', payload: { name: 'all', period: 'MONTH', amount: '1000.00' } });
    expect(created.statusCode).toBe(201);
    const res = await get(`/api/v1/metrics/history?from=${FROM}&to=${TO}&step=3600`);
    const ratio = lastSamples(res.body, 'ai_arm_budget_spent_ratio').get(`ai_arm_budget_spent_ratio{organization_id="${org}",budget="all"}`)!;
    const spent = (await get(`/api/v1/costs/breakdown?by=vendor&from=2026-11-01T00:00:00Z&to=${TO}`)).json().data.reduce((s: number, r: { cost: string }) => s + Number(r.cost), 0);
    expect(ratio.value * 1000).toBeCloseTo(spent, 0);
    expect(lastSamples(res.body, 'ai_arm_budget_period_seconds').get(`ai_arm_budget_period_seconds{organization_id="${org}",budget="all"}`)!.value).toBe(30 * 86400);

    // The live gauges carry the same two numbers after a poll.
    await asTenant(org, () => costStateRefresher(new CostService(stores, loadPriceTable()), stores.controlPlane, metrics, quietLogger())(org, new Date(NOW * 1000)));
    const live = await sink.render();
    expect(live).toContain(`\nai_arm_budget_period_seconds{organization_id="${org}",budget="all"} 2592000\n`);
    expect(live).toMatch(new RegExp(`^ai_arm_budget_spent_ratio\\{organization_id="${org}",budget="all"\\} 0\\.\\d+$`, 'm'));
  });

  it('stamps the scrape target labels on every series, and promtool builds TSDB blocks from it', async () => {
    const res = await get(`/api/v1/metrics/history?from=2026-11-18T00:00:00Z&to=${TO}&step=900&labels=${encodeURIComponent('job=aiarm,instance=collector:8080')}`);
    expect(res.statusCode).toBe(200);
    const series = res.body.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(series.length).toBeGreaterThan(100);
    for (const l of series) expect(l).toMatch(/^\w+\{job="aiarm",instance="collector:8080",/);
    const dir = mkdtempSync(join(tmpdir(), 'ai-arm-history-'));
    try {
      writeFileSync(join(dir, 'h.om'), res.body);
      const out = execFileSync(promtool(), ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'h.om'), join(dir, 'data')], { encoding: 'utf8' });
      expect(out).toMatch(/BLOCK ULID/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a step that makes more samples per series than the limit (step=60 over the default 8 days exhausted the heap) with 400 naming the limit', async () => {
    const res = await get('/api/v1/metrics/history?step=60');
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.success).toBe(false);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(body.error.message).toMatch(/at most 11000 samples per series: 11521 at step 60/);
    expect(body.error.details).toEqual({ field: 'querystring/step', limit: 11000, samplesPerSeries: 11521 });
    // The step the message suggests is accepted over the same window.
    const step = Number(/use step (\d+)/.exec(body.error.message)![1]);
    expect(Math.floor((8 * 86400) / step) + 1).toBeLessThanOrEqual(11000);
  });

  it('streams the answer as it is produced rather than building it whole (no Content-Length, chunked)', async () => {
    const res = await get(`/api/v1/metrics/history?from=2026-11-19T00:00:00Z&to=${TO}&step=60`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.body.endsWith('# EOF\n')).toBe(true);
    // Each series holds one sample a minute over the day: 1441.
    const samples = res.body.split('\n').filter((l) => l.startsWith('ai_arm_cost_usd_total{'));
    expect(samples.length % 1441).toBe(0);
    expect(samples.length).toBeGreaterThan(0);
  });

  it.each([
    ['from after to', `from=${TO}&to=${FROM}`, 'querystring/from'],
    ['over 90 days', 'from=2026-01-01T00:00:00Z&to=2026-11-20T00:00:00Z', 'querystring'],
    ['a time that is not an hour', `from=2026-11-12T00:30:00Z&to=${TO}`, 'from'],
    ['a step under a minute', `from=${FROM}&to=${TO}&step=5`, 'step'],
    ['labels that are not name=value pairs', `from=${FROM}&to=${TO}&labels=${encodeURIComponent('job aiarm')}`, 'labels'],
  ])('rejects %s with the error envelope naming the field', async (_what, query, field) => {
    const res = await get(`/api/v1/metrics/history?${query}`);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.success).toBe(false);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(body.error)).toContain(field);
  });
});
