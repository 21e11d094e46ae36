import { randomUUID } from 'node:crypto';
import { loadPriceTable, type CostRecord, type TrackedCostDay } from '@ai-arm/schemas';
import { buildApp } from '../../src/app';
import { usdToAtto } from '../../src/costs/money';
import { CostService } from '../../src/costs/service';
import type { TelemetryDb } from '../../src/stores/clickhouse/client';
import { authedApp } from '../api/support';
import { CONTROL_PLANE, quietLogger, testConfig, testMetrics } from '../support/stores';
import { systemDb, systemTelemetry } from '../support/system-db';

type Authed = Awaited<ReturnType<typeof authedApp>>;

/** The route's days, both inclusive. */
const RANGE = 'from=2026-11-10&to=2026-11-13';
const CONNECTION = randomUUID();
const AGENT = randomUUID();
const POLLED = '2026-11-15 00:00:00.000';

const bill = (org: string, vendor: string, day: string, project: string, usd: string) => ({
  organization_id: org, connection_id: CONNECTION, vendor, day, project_id: project, api_key_id: '', line_item: `${vendor} usage`,
  model: vendor === 'OPENAI' ? 'gpt-4o-mini' : 'claude-sonnet-4-5', token_type: 'input', service_tier: 'standard', context_window: '', amount_usd: usd, polled_at: POLLED,
});

const usage = (org: string, hour: string, project: string, input: number, output: number) => ({
  organization_id: org, connection_id: CONNECTION, vendor: 'OPENAI', bucket_start: hour, bucket_width: '1h', project_id: project, api_key_id: 'key_1', model: 'gpt-4o-mini', operation: 'chat',
  service_tier: 'standard', context_window: '', requests: 10, input_tokens: input, cache_read_tokens: 0, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, output_tokens: output, polled_at: POLLED,
});

/** One pushed request as the pipeline stores it; `cost` null is a request the price book could not price. */
const pushed = (org: string, id: string, provider: string, startedAt: string, cost: string | null, ingestedAt = '2026-11-14 00:00:00.000') => ({
  organization_id: org, agent_id: AGENT, id, source: 'api', started_at: startedAt, duration_ms: 812.5, ttft_ms: null, provider, operation: 'chat',
  request_model: 'm', response_model: 'm', version_fingerprint: 'f'.repeat(64), input_tokens: 100, output_tokens: 20, cache_read_tokens: 0, cache_write_tokens: 0,
  cost_usd: cost, status: 'ok', error_type: '', conversation_id: '', trace_id: '', span_id: '', content: '', attributes: {}, ingested_at: ingestedAt,
});

const exact = (s: string | null) => (s === null ? null : usdToAtto(s));

/**
 * The reconciliation's tracked cost (GET /api/v1/costs/reconciliation, meta.tracked) against rows
 * put straight into real chdb: bills, reported usage and pushed requests, of this organisation and another.
 */
describe(`reconciliation: tracked and untracked cost per vendor and day (real chdb and ${CONTROL_PLANE})`, () => {
  let t: Authed;
  let other: string;
  const reconciliation = async (query = RANGE) => {
    const res = await t.call(t.admin, { url: `/api/v1/costs/reconciliation?${query}` });
    expect(res.status).toBe(200);
    return res.body as { data: CostRecord[]; meta: { total: number; tracked: TrackedCostDay[] } };
  };

  beforeAll(async () => {
    t = await authedApp();
    [{ id: other }] = (await systemDb(t.stores.controlPlane).query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('Other', $1) RETURNING id", [`other-${randomUUID()}`])) as [{ id: string }];
    const db = systemTelemetry(t.stores.telemetry);
    const org = t.org;
    await db.insert('vendor_costs', [
      // 11-10: OpenAI bills 10.00 over two projects; Anthropic bills 3.00 and no request was pushed to it.
      bill(org, 'OPENAI', '2026-11-10', 'proj_a', '6.000000000001'),
      bill(org, 'OPENAI', '2026-11-10', 'proj_b', '3.999999999999'),
      bill(org, 'ANTHROPIC', '2026-11-10', 'wrk_1', '3.00'),
      // 11-11: OpenAI bills less than the pushed requests cost.
      bill(org, 'OPENAI', '2026-11-11', 'proj_a', '1.00'),
      bill(other, 'OPENAI', '2026-11-10', 'proj_x', '500.00'),
    ]);
    await db.insert('vendor_usage', [usage(org, '2026-11-10 08:00:00', 'proj_a', 10_000_000, 1_000_000), usage(org, '2026-11-10 09:00:00', 'proj_b', 2_000_000, 0)]);
    await db.insert('interactions', [
      pushed(org, 'a1', 'openai', '2026-11-10 00:00:00.000000', '2.5'),
      pushed(org, 'a2', 'openai', '2026-11-10 23:59:59.999999', '1.250000000001'),
      // Delivered twice (a client retry): stored once.
      pushed(org, 'a2', 'openai', '2026-11-10 23:59:59.999999', '1.250000000001', '2026-11-14 00:00:05.000'),
      pushed(org, 'a3', 'openai', '2026-11-10 12:00:00.000000', null),
      // A provider no connection bills (no vendor to meet), and requests outside the range.
      pushed(org, 'v1', 'gcp.vertex_ai', '2026-11-10 12:00:00.000000', '7.00'),
      pushed(org, 'early', 'openai', '2026-11-09 23:59:59.999999', '40.00'),
      pushed(org, 'late', 'openai', '2026-11-14 00:00:00.000000', '40.00'),
      pushed(org, 'b1', 'openai', '2026-11-11 10:00:00.000000', '1.50'),
      // 11-12: pushed to Anthropic, not billed yet.
      pushed(org, 'c1', 'anthropic', '2026-11-12 07:30:00.000000', '0.123456789012'),
      pushed(other, 'x1', 'openai', '2026-11-10 12:00:00.000000', '99.00'),
      pushed(other, 'x2', 'anthropic', '2026-11-10 12:00:00.000000', '99.00'),
    ]);
  });
  afterAll(async () => t?.close());

  it('per vendor and day: billed less tracked is untracked, to the cent and beyond; duplicates count once; other organisations and providers are left out', async () => {
    const { data, meta } = await reconciliation();
    const computedOf = (date: string, vendor: string) => data.filter((r) => r.date === date && r.vendor === vendor).reduce((s, r) => s + usdToAtto(r.computedCost), 0n);
    // gpt-4o-mini: 12M input at 0.15 and 1M output at 0.60 per million.
    expect(computedOf('2026-11-10', 'OPENAI')).toBe(usdToAtto('2.40'));
    expect(meta.tracked.map((d) => [d.date, d.vendor, d.computedCost, d.billedCost, d.trackedCost, d.untrackedCost, d.requests, d.unpricedRequests])).toEqual([
      ['2026-11-10', 'ANTHROPIC', '0.00', '3.00', '0.00', '3.00', 0, 0],
      ['2026-11-10', 'OPENAI', '2.40', '10.00', '3.750000000001', '6.249999999999', 3, 1],
      ['2026-11-11', 'OPENAI', '0.00', '1.00', '1.50', '0.00', 1, 0],
      ['2026-11-12', 'ANTHROPIC', '0.00', null, '0.123456789012', null, 1, 0],
    ]);
    // The per-vendor-day bill is the day's records' bills summed, exactly.
    for (const d of meta.tracked) {
      const records = data.filter((r) => r.date === d.date && r.vendor === d.vendor && r.billedCost !== null);
      expect(exact(d.billedCost)).toBe(records.length ? records.reduce((s, r) => s + usdToAtto(r.billedCost!), 0n) : null);
      expect(d.currency).toBe('USD');
    }
    expect(meta.total).toBe(data.length);
  });

  it('one vendor asked: only its days, and only requests pushed to it', async () => {
    const { data, meta } = await reconciliation(`${RANGE}&vendor=ANTHROPIC`);
    expect(data.every((r) => r.vendor === 'ANTHROPIC')).toBe(true);
    expect(meta.tracked.map((d) => [d.date, d.vendor, d.trackedCost, d.untrackedCost])).toEqual([
      ['2026-11-10', 'ANTHROPIC', '0.00', '3.00'],
      ['2026-11-12', 'ANTHROPIC', '0.123456789012', null],
    ]);
    // A vendor no connector bills has no pushed requests to meet and is not read for them.
    expect((await reconciliation(`${RANGE}&vendor=CUSTOM`)).meta.tracked).toEqual([]);
  });

  it('a range of one day reads that whole day of pushed requests, as bills are daily', async () => {
    const { meta } = await reconciliation('from=2026-11-10&to=2026-11-10');
    expect(meta.tracked.map((d) => [d.vendor, d.trackedCost, d.untrackedCost])).toEqual([
      ['ANTHROPIC', '0.00', '3.00'],
      ['OPENAI', '3.750000000001', '6.249999999999'],
    ]);
  });

  it('the route reads the usage, the bills and the pushed requests once each', async () => {
    const sql: string[] = [];
    const counted = new Proxy(t.stores.telemetry, {
      get(target, key, receiver) {
        if (key === 'query') return (text: string, params?: Record<string, unknown>) => (sql.push(text), target.query(text, params));
        const v = Reflect.get(target, key, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as TelemetryDb;
    const { sink } = testMetrics();
    const app = await buildApp({
      config: testConfig(),
      stores: t.stores,
      sink,
      logger: quietLogger(),
      tenant: async () => t.org,
      costs: new CostService({ controlPlane: t.stores.controlPlane, telemetry: counted }, loadPriceTable()),
    });
    try {
      const res = await app.inject({ url: `/api/v1/costs/reconciliation?${RANGE}` });
      expect(res.statusCode).toBe(200);
      expect(res.json().meta.tracked).toHaveLength(4);
      const reads = (table: string) => sql.filter((s) => s.includes(`{db:Identifier}.${table}`)).length;
      expect({ vendor_usage: reads('vendor_usage'), vendor_costs: reads('vendor_costs'), interactions: reads('interactions'), total: sql.length }).toEqual({ vendor_usage: 1, vendor_costs: 1, interactions: 1, total: 3 });
    } finally {
      await app.close();
    }
  });
});
