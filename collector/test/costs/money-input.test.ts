import { Writable } from 'node:stream';
import pino from 'pino';
import { loadPriceTable } from '@ai-arm/schemas';
import { buildApp, type App } from '../../src/app';
import { chDateTime } from '../../src/connectors/types';
import { LiveUsageMeter } from '../../src/costs/live-usage';
import { CostService } from '../../src/costs/service';
import { openConnections } from '../../src/poller/connections';
import { Poller } from '../../src/poller/poller';
import { openStores, type Stores } from '../../src/stores';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { asTenant } from '../../src/stores/tenant-scope';
import { HOUR, simEndpoints } from '../support/poller';
import { uniqueName } from '../support/paths';
import { CONTROL_PLANE, quietLogger, testConfig, testMetrics } from '../support/stores';
import { systemDb, systemTelemetry } from '../support/system-db';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000 + 1234;
const RANGE = 'from=2026-11-17&to=2026-11-21';
/** Whole days before the simulated today (`to` inclusive), which later polls do not change. */
const PAST = 'from=2026-11-17&to=2026-11-19';

/**
 * Money at the edge: a rate, budget or threshold the exact money or its column cannot hold is
 * refused with 400 naming it; an override stored before that check is flagged and left out,
 * and neither the cost API nor any connection's poll stops for it.
 */
describe(`money input and bad stored overrides (real chdb and ${CONTROL_PLANE}, simulator data)`, () => {
  let sim: Simulator;
  let stores: Stores;
  let app: App;
  let org: string;
  let poller: Poller;
  let meter: LiveUsageMeter;
  let costs: CostService;
  let metrics: ReturnType<typeof testMetrics>['metrics'];
  let sink: ReturnType<typeof testMetrics>['sink'];
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const config = testConfig({ ARM_POLL_BACKFILL_DAYS: '3', ARM_POLL_TRAILING_HOURS: '2' });

  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.json() };
  };

  beforeAll(async () => {
    sim = await startSimulator({ now: NOW, agents: 20, demo: true });
    const made = testMetrics();
    sink = made.sink;
    metrics = made.metrics;
    stores = await openStores(config, metrics, quietLogger());
    org = (await systemDb(stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [uniqueName('money').replace(/_/g, '-')]))[0]!.id;
    costs = new CostService(stores, loadPriceTable());
    meter = new LiveUsageMeter(stores.telemetry, metrics, (o) => costs.meterContext(o), logger);
    const connections = await openConnections(stores.controlPlane, org, 'env', simEndpoints(sim), metrics, config.poll.vendorMaxRetries);
    poller = new Poller({ config, stores, metrics, log: quietLogger(), now: () => sim.state.now(), costs: { meter, afterReports: async () => undefined } }, connections);
    for (const c of poller.connections) await poller.reports(c);
    app = await buildApp({ config, stores, sink, logger: quietLogger(), tenant: async () => org, costs, now: () => new Date(NOW * 1000) });
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await stores?.close();
  });

  const costEndpointsAnswer = async () => {
    for (const url of ['/api/v1/costs/summary', `/api/v1/costs/breakdown?by=model&${RANGE}`, `/api/v1/costs/reconciliation?${RANGE}`, '/api/v1/costs/prices', '/api/v1/costs/budget', '/api/v1/costs/forecast']) {
      const res = await call('GET', url);
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
    }
  };

  it.each([
    ['17 decimals', { input: 0.30000000000000004, output: 15 }, 'body/entry/input'],
    ['1e21 as a number', { input: 3, output: 1e21 }, 'body/entry/output'],
    ['1e21 as text', { input: '1e21', output: 15 }, 'body/entry/input'],
    ['13 decimals as text', { input: 3, output: '15.0000000000001' }, 'body/entry/output'],
    ['a tier rate too small to hold', { input: 3, output: 15, tiers: { flex: { input: 1e-13, output: 1 } } }, 'body/entry/tiers/flex/input'],
    ['a negative rate', { input: -1, output: 15 }, 'body/entry/input'],
    ['$1 a token', { input: 1_000_000, output: 15 }, 'body/entry/input'],
  ])('refuses an override rate with %s (400 naming the field); stores nothing and costs still answer', async (_what, rates, field) => {
    const res = await call('POST', '/api/v1/costs/prices', { vendor: 'ANTHROPIC', model: 'claude-sonnet-4-5', entry: { effective_from: '2026-01-01', ...rates } });
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(res.body.error.details)).toContain(field);
    expect((await call('GET', '/api/v1/costs/prices')).body.data.overrides).toEqual([]);
    await costEndpointsAnswer();
  });

  it('refuses an effective date that is no calendar day, naming it', async () => {
    const res = await call('POST', '/api/v1/costs/prices', { vendor: 'OPENAI', model: 'gpt-4o', entry: { effective_from: '2026-02-30', input: 2, output: 8 } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.details)).toContain('body/entry/effective_from');
  });

  it('takes a rate with exactly 12 decimals, as text or number, and prices with it', async () => {
    const ok = await call('POST', '/api/v1/costs/prices', { vendor: 'OPENAI', model: 'gpt-4o', entry: { effective_from: '2026-01-01', input: '2.500000000001', output: 0.000000000001 } });
    expect(ok.status).toBe(201);
    const listed = (await call('GET', '/api/v1/costs/prices')).body.data.overrides;
    expect(listed).toHaveLength(1);
    expect(listed[0].error).toBeUndefined();
    await systemDb(stores.controlPlane).query('DELETE FROM price_overrides WHERE organization_id = $1', [org]);
  });

  it('budget amounts and alert thresholds must fit numeric(18, 2); a budget of 0 is refused', async () => {
    for (const [amount, why] of [['0', 'above 0'], [0, ''], ['0.00', 'above 0'], ['12345678901234567', ''], [12345678901234567, ''], [1.005, 'decimals'], ['-5', '']] as const) {
      const res = await call('POST', '/api/v1/costs/budget', { name: `b-${String(amount)}`, period: 'MONTH', amount });
      expect({ amount, status: res.status }).toEqual({ amount, status: 400 });
      expect(JSON.stringify(res.body.error)).toContain('body/amount');
      if (why) expect(res.body.error.message).toContain(why);
    }
    const made = await call('POST', '/api/v1/costs/budget', { name: 'number budget', period: 'MONTH', amount: 1500.5 });
    expect(made.status).toBe(201);
    expect(made.body.data.amount).toBe('1500.50');
    const text = await call('POST', '/api/v1/costs/budget', { name: 'widest budget', period: 'MONTH', amount: '9999999999999999.99' });
    expect(text.status).toBe(201);

    for (const threshold of ['-5', '12345678901234567', 0.125, '1e21']) {
      const res = await call('POST', '/api/v1/costs/alerts', { name: `t-${threshold}`, alertType: 'THRESHOLD', threshold, period: 'DAY' });
      expect({ threshold, status: res.status }).toEqual({ threshold, status: 400 });
      expect(JSON.stringify(res.body.error)).toContain('body/threshold');
    }
    const alert = await call('POST', '/api/v1/costs/alerts', { name: 'any spend', alertType: 'THRESHOLD', threshold: 0, period: 'DAY' });
    expect(alert.status).toBe(201);
    expect(alert.body.data.threshold).toBe('0.00');
    await costEndpointsAnswer();
  });

  it('an override stored before the check is flagged and left out: costs answer, and every connection still polls and stores its rows', async () => {
    const before = await call('GET', `/api/v1/costs/breakdown?by=model&${PAST}`);
    for (const [model, entry] of [
      ['claude-sonnet-4-5', '{"effective_from":"2026-01-01","input":0.30000000000000004,"output":15}'],
      ['gpt-4o', '{"effective_from":"2026-01-01","input":2.5,"output":1e21}'],
    ]) {
      await systemDb(stores.controlPlane).query('INSERT INTO price_overrides (organization_id, vendor, model, effective_from, entry) VALUES ($1, $2, $3, $4, $5::jsonb)', [
        org,
        model!.startsWith('gpt') ? 'OPENAI' : 'ANTHROPIC',
        model,
        '2026-01-01',
        entry,
      ]);
    }
    // Left out, the list price applies: the same costs as before the bad rows.
    expect((await call('GET', `/api/v1/costs/breakdown?by=model&${PAST}`)).body.data).toEqual(before.body.data);

    // Two more hours of live usage: every connection's poll stores it, and the bad overrides are reported.
    sim.state.setNow(NOW + 2 * HOUR);
    const end = chDateTime(Math.floor((NOW + 2 * HOUR) / HOUR) * HOUR - HOUR);
    for (const c of poller.connections) {
      const done = await poller.reports(c);
      expect(done.every((f) => f.reached >= Math.floor((NOW + 2 * HOUR) / HOUR) * HOUR)).toBe(true);
      const [stored] = await systemTelemetry(stores.telemetry).query<{ n: number }>(
        'SELECT count() AS n FROM {db:Identifier}.vendor_usage FINAL WHERE organization_id = {org:UUID} AND connection_id = {conn:UUID} AND bucket_start >= {end:DateTime}',
        { org, conn: c.id, end },
      );
      expect({ vendor: c.vendor, rows: Number(stored!.n) > 0 }).toEqual({ vendor: c.vendor, rows: true });
    }
    const prices = await call('GET', '/api/v1/costs/prices');
    expect(prices.status).toBe(200);
    const flagged = prices.body.data.overrides as { model: string; error?: string }[];
    expect(flagged.map((o) => o.model).sort()).toEqual(['claude-sonnet-4-5', 'gpt-4o']);
    expect(flagged.find((o) => o.model === 'claude-sonnet-4-5')!.error).toMatch(/entry\/input .*more than 12 decimals/);
    expect(flagged.find((o) => o.model === 'gpt-4o')!.error).toMatch(/entry\/output/);
    await costEndpointsAnswer();

    const warned = lines.filter((l) => l.includes('price override cannot price'));
    expect(warned.length).toBe(2);
    expect(warned.join('')).toContain('more than 12 decimals');
  });

  it('a usage row the live counters cannot count is reported and skipped; the rest of the page is counted', async () => {
    await systemDb(stores.controlPlane).query('DELETE FROM price_overrides WHERE organization_id = $1', [org]);
    const conn = poller.connections[0]!;
    const meter = new LiveUsageMeter(stores.telemetry, metrics, (o) => costs.meterContext(o), logger);
    const bucket = chDateTime(Math.floor(NOW / HOUR) * HOUR + 5 * HOUR);
    const row = (model: string, input: number) => ({
      vendor: 'OPENAI' as const, bucket_start: bucket, bucket_width: '1h' as const, project_id: 'proj_x', api_key_id: 'key_x', model, operation: 'chat' as const,
      service_tier: 'standard' as const, context_window: '', requests: 1, input_tokens: input, cache_read_tokens: 0, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, output_tokens: 10,
    });
    const gpt41Cost = async () =>
      (await sink.render())
        .split('\n')
        .filter((l) => l.startsWith('ai_arm_cost_usd_total{') && l.includes('gen_ai_request_model="gpt-4.1"'))
        .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    const costBefore = await gpt41Cost();
    // The meter, called directly as the poller calls it, acts for the organisation.
    const count = await asTenant(org, () => meter.prepare({ organizationId: org, connectionId: conn.id }, [row('gpt-4o', 1.5), row('gpt-4.1', 1000)], new Date(NOW * 1000)));
    expect(() => count.stored()).not.toThrow();
    expect(lines.some((l) => l.includes('usage row the live counters cannot count') && l.includes('"model":"gpt-4o"'))).toBe(true);
    expect(await gpt41Cost()).toBeGreaterThan(costBefore);
  });
});
