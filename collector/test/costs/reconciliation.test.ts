import { loadPriceTable, type PriceTable } from '@ai-arm/schemas';
import pino from 'pino';
import { costStateRefresher } from '../../src/costs/after-poll';
import { toCents, usdToAtto } from '../../src/costs/money';
import { CostService } from '../../src/costs/service';
import { openStores, type Stores } from '../../src/stores';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { asTenant } from '../../src/stores/tenant-scope';
import { DAY, HOUR, simPoller, truthOf } from '../support/poller';
import { CONTROL_PLANE, quietLogger, testConfig, testMetrics } from '../support/stores';
import { systemTelemetry } from '../support/system-db';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000 + 1234;
const END = Math.floor(NOW / HOUR) * HOUR;
const START = Math.floor((END - 3 * DAY) / DAY) * DAY;
const iso = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const RANGE = { from: iso(START), to: iso(END + DAY) };

/**
 * The collector's price table and engine against the simulator's independent billing model:
 * computed cost must equal what the vendor bills, to the cent, per vendor, model and day.
 */
describe(`cost engine against the simulator bill (real chdb and ${CONTROL_PLANE})`, () => {
  let sim: Simulator;
  let stores: Stores;
  let org: string;

  beforeAll(async () => {
    sim = await startSimulator({ now: NOW, agents: 40, demo: true });
    const config = testConfig({ ARM_POLL_BACKFILL_DAYS: '3' });
    const { metrics } = testMetrics();
    stores = await openStores(config, metrics, quietLogger());
    const polled = await simPoller(sim, stores, config, metrics);
    org = polled.org;
    await polled.poller.runOnce();
  });
  afterAll(async () => {
    await sim?.close();
    await stores?.close();
  });

  const perVendorModelDay = async (table: PriceTable) => {
    const cells = await asTenant(org, () => new CostService(stores, table).ledger({ organizationId: org, ...RANGE }, 'none'));
    // Rounded once per vendor, model and day, as the truth is: the comparison's one rounding step.
    return new Map(cells.map((c) => [`${c.vendor.toLowerCase()}|${c.model}|${c.day}`, { cents: toCents(c.cost), unpriced: c.unpricedTokens }]));
  };

  it('the stored usage covers every billing rule: cache reads, 5m and 1h cache writes, batch, flex and priority tiers, over-200k context, dated snapshots', async () => {
    const [row] = await systemTelemetry(stores.telemetry).query<Record<string, number>>(
      `SELECT countIf(cache_read_tokens > 0) AS cache_read, countIf(cache_write_5m_tokens > 0) AS write_5m, countIf(cache_write_1h_tokens > 0) AS write_1h,
              countIf(service_tier = 'batch') AS batch, countIf(service_tier = 'flex') AS flex, countIf(service_tier = 'priority') AS priority, countIf(context_window = '200k-1M') AS long_context,
              countIf(match(model, '-(\\\\d{4}-\\\\d{2}-\\\\d{2}|\\\\d{8})$')) AS snapshots
         FROM {db:Identifier}.vendor_usage FINAL WHERE organization_id = {org:UUID}`,
      { org },
    );
    for (const [scenario, rows] of Object.entries(row!)) expect([scenario, rows > 0]).toEqual([scenario, true]);
  });

  it('computed cost equals the billed cost to the cent per vendor, model and day; the unknown model is unpriced', async () => {
    const computed = await perVendorModelDay(loadPriceTable());
    const truth = await truthOf(sim, START, END);
    expect(truth.length).toBeGreaterThan(20);
    const priced = truth.filter((t) => t.model !== 'o1-pro-2025-03-19');
    const mismatches = priced
      .map((t) => ({ key: `${t.vendor}|${t.model}|${t.day}`, billed: Math.round(t.billedUsd * 100), computed: Number(computed.get(`${t.vendor}|${t.model}|${t.day}`)?.cents) }))
      .filter((m) => m.billed !== m.computed);
    expect(mismatches).toEqual([]);
    const unknown = truth.filter((t) => t.model === 'o1-pro-2025-03-19');
    expect(unknown.length).toBeGreaterThan(0);
    for (const t of unknown) expect(computed.get(`${t.vendor}|${t.model}|${t.day}`)).toMatchObject({ cents: 0n, unpriced: expect.any(Number) });
    expect(unknown.every((t) => computed.get(`${t.vendor}|${t.model}|${t.day}`)!.unpriced > 0)).toBe(true);
  });

  it('a pricing bug shows: a table that drops the batch discount or the long-context tier disagrees with the bill', async () => {
    const truth = await truthOf(sim, START, END);
    const differing = async (table: PriceTable) => {
      const computed = await perVendorModelDay(table);
      return truth.filter((t) => t.model !== 'o1-pro-2025-03-19' && Number(computed.get(`${t.vendor}|${t.model}|${t.day}`)?.cents) !== Math.round(t.billedUsd * 100)).length;
    };
    const noBatch = loadPriceTable();
    for (const v of Object.values(noBatch.vendors)) v.batch_multiplier = 1;
    expect(await differing(noBatch)).toBeGreaterThan(0);
    const noLongContext = loadPriceTable();
    for (const m of Object.values(noLongContext.vendors.ANTHROPIC!.models)) for (const p of m.prices) delete p.long_context;
    expect(await differing(noLongContext)).toBeGreaterThan(0);
    // Tier usage priced as standard (the table's flex and priority rows made standard) disagrees too.
    const tiersAsStandard = loadPriceTable();
    for (const m of Object.values(tiersAsStandard.vendors.OPENAI!.models)) for (const p of m.prices) if (p.tiers) p.tiers = { flex: p, priority: p };
    expect(await differing(tiersAsStandard)).toBeGreaterThan(0);
  });

  it('logs a model the table cannot price once, with the way out, however often it refreshes', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    const refresh = costStateRefresher(new CostService(stores, loadPriceTable()), stores.controlPlane, testMetrics().metrics, log);
    await asTenant(org, () => refresh(org, new Date(NOW * 1000)));
    await asTenant(org, () => refresh(org, new Date(NOW * 1000)));
    const warnings = lines.map((l) => JSON.parse(l) as { model?: string; msg: string }).filter((l) => l.msg.includes('cannot price'));
    expect(warnings.map((w) => w.model)).toEqual(['o1-pro-2025-03-19']);
    expect(warnings[0]!.msg).toContain('POST /api/v1/costs/prices');
  });

  it('reconciles per day, vendor and project: billed = computed + unpriced + unexplained, unexplained zero to the cent, the unknown model unpriced with its reason', async () => {
    const records = await asTenant(org, () => new CostService(stores, loadPriceTable()).reconcile({ organizationId: org, ...RANGE }));
    expect(records.length).toBeGreaterThan(5);
    const cents = (s: string | null) => Math.round(Number(s) * 100);
    const billedDays = records.filter((r) => r.billedCost !== null);
    for (const r of billedDays) {
      // Exact decimals: the three parts add up to the bill to the last digit, and nothing is left unexplained.
      expect(usdToAtto(r.billedCost!) - usdToAtto(r.computedCost) - usdToAtto(r.unpricedCost)).toBe(usdToAtto(r.unexplainedCost!));
      expect([r.date, r.vendor, r.projectId, Math.abs(Number(r.unexplainedCost)) < 0.005]).toEqual([r.date, r.vendor, r.projectId, true]);
    }
    const unpriced = records.filter((r) => cents(r.unpricedCost) > 0);
    expect(unpriced.length).toBeGreaterThan(0);
    expect(unpriced.every((r) => r.vendor === 'OPENAI')).toBe(true);
    for (const r of unpriced) expect(r.unpricedReasons).toContain('OPENAI model o1-pro-2025-03-19 is not in the price table');
    // No attribution rules yet: everything computed is unattributed.
    expect(records.every((r) => r.unattributedCost === r.computedCost)).toBe(true);
  });
});
