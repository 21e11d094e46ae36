import { loadPriceTable, type PriceTable } from '@ai-arm/schemas';
import { refreshMonthToDate } from '../../src/costs/month-to-date';
import { usdText, usdToAtto, type Atto } from '../../src/costs/money';
import { PriceBook } from '../../src/costs/price-book';
import { CostService } from '../../src/costs/service';
import { asTenant } from '../../src/stores/tenant-scope';
import { polledApp, type PolledApp } from '../support/polled-app';
import { DAY, HOUR } from '../support/poller';
import { testMetrics } from '../support/stores';
import { systemTelemetry } from '../support/system-db';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000 + 1234;
const END = Math.floor(NOW / HOUR) * HOUR;
const START = Math.floor((END - 4 * DAY) / DAY) * DAY;
const iso = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const RANGE = { from: iso(START), to: iso(END + DAY) };
const UNKNOWN = 'o1-pro-2025-03-19';
const cents = (s: string | null) => Math.round(Number(s ?? '0') * 100);

/**
 * Every part of the bill is accounted for: what the price book cannot price (for its date,
 * token type, tier or context window) is unpriced with its reason, whatever remains is the
 * unexplained figure, and amounts stay exact until they are shown.
 */
describe('cost gaps and exact amounts (real chdb and PGlite, simulator bill)', () => {
  let p: PolledApp;
  beforeAll(async () => {
    p = await polledApp({ now: NOW, agents: 30, backfillDays: 5, demo: true });
  });
  afterAll(async () => {
    await p?.close();
  });

  /** The cost engine, called directly, acts for the polled organisation. */
  const reconcile = (table: PriceTable) => asTenant(p.org, () => new CostService(p.stores, table).reconcile({ organizationId: p.org, ...RANGE }));
  const ledger = (table: PriceTable) => asTenant(p.org, () => new CostService(p.stores, table).ledger({ organizationId: p.org, ...RANGE }, 'none'));
  const monthToDate = (table: PriceTable, metrics: ReturnType<typeof testMetrics>['metrics']) =>
    asTenant(p.org, () => refreshMonthToDate(new CostService(p.stores, table), metrics, p.org, new Date(NOW * 1000)));
  const billedDays = (records: Awaited<ReturnType<typeof reconcile>>) => records.filter((r) => r.billedCost !== null);

  it('a price dated later than some usage leaves the earlier usage unpriced, with the reason, and nothing unexplained', async () => {
    // The simulator bills o1-pro at 150/600; the table learns that price from the middle of the range.
    const middle = iso(START + 2 * DAY);
    const table = loadPriceTable();
    const template = table.vendors.OPENAI!.models['gpt-4o']!.prices[0]!;
    table.vendors.OPENAI!.models['o1-pro'] = { prices: [{ ...template, effective_from: middle, input: 150, cached_input: 150, output: 600 }] };
    const records = billedDays(await reconcile(table));
    const openai = records.filter((r) => r.vendor === 'OPENAI');
    const before = openai.filter((r) => r.date < middle);
    const after = openai.filter((r) => r.date >= middle);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    expect(before.some((r) => cents(r.unpricedCost) > 0)).toBe(true);
    for (const r of before.filter((x) => cents(x.unpricedCost) > 0)) expect(r.unpricedReasons.join('\n')).toContain(`o1-pro has no price in effect on ${r.date}`);
    expect(after.every((r) => cents(r.unpricedCost) === 0)).toBe(true);
    for (const r of records) expect([r.date, r.vendor, Math.abs(Number(r.unexplainedCost)) < 0.005]).toEqual([r.date, r.vendor, true]);
  });

  it('a token type without a rate is unpriced on its own: the rest of the model still priced, its bill lines unpriced, nothing unexplained', async () => {
    const table = loadPriceTable();
    const anthropic = table.vendors.ANTHROPIC!.models;
    for (const m of Object.values(anthropic)) for (const e of m.prices) {
      delete e.cache_write_1h;
      if (e.long_context) delete e.long_context.cache_write_1h;
    }
    const cells = await ledger(table);
    const partial = cells.filter((c) => c.vendor === 'ANTHROPIC' && c.tokens.cache_write_1h > 0);
    expect(partial.length).toBeGreaterThan(0);
    for (const c of partial) {
      // Priced: everything but the cache writes. Unpriced: exactly the 1h cache writes.
      expect(c.cost).toBeGreaterThan(0n);
      expect(c.unpricedTokens).toBe(c.tokens.cache_write_1h);
      expect(c.unpricedReason).toMatch(/no cache_write_1h rate/);
    }
    const records = billedDays(await reconcile(table)).filter((r) => r.vendor === 'ANTHROPIC');
    expect(records.some((r) => cents(r.unpricedCost) > 0 && r.unpricedReasons.some((x) => /cache_write_1h/.test(x)))).toBe(true);
    for (const r of records) expect([r.date, r.projectId, Math.abs(Number(r.unexplainedCost)) < 0.005]).toEqual([r.date, r.projectId, true]);
  });

  it('a wrong price leaves the gap unexplained: the remainder shows, as a figure and a metric', async () => {
    const table = loadPriceTable();
    for (const e of table.vendors.OPENAI!.models['gpt-4o-mini']!.prices) e.output = Number(e.output) * 2;
    const records = billedDays(await reconcile(table));
    const off = records.filter((r) => r.vendor === 'OPENAI' && cents(r.unexplainedCost) !== 0);
    expect(off.length).toBeGreaterThan(0);
    // Priced too high: the computed side is larger than the bill, so the remainder is negative.
    expect(off.every((r) => Number(r.unexplainedCost) < 0)).toBe(true);

    const { sink, metrics } = testMetrics();
    await monthToDate(table, metrics);
    const text = await sink.render();
    expect(text).toMatch(new RegExp(`ai_arm_cost_month_to_date\\{organization_id="${p.org}",gen_ai_provider_name="openai",cost_kind="unexplained"\\} -\\d`));
    const { metrics: m2, sink: s2 } = testMetrics();
    await monthToDate(loadPriceTable(), m2);
    expect(await s2.render()).toContain(`ai_arm_cost_month_to_date{organization_id="${p.org}",gen_ai_provider_name="openai",cost_kind="unexplained"} 0\n`);
  });

  it('amounts are exact until shown: a small model over days is its exact price, not a sum of daily cents; the billed total is the bill', async () => {
    const get = async (url: string) => (await p.app.inject({ method: 'GET', url })).json();
    // The exact cost per model over the range, priced here from the stored usage in one sum.
    const rows = await systemTelemetry(p.stores.telemetry).query<{ vendor: string; model: string; day: string; service_tier: string; context_window: string; input: number; cache_read: number; cache_write_5m: number; cache_write_1h: number; output: number }>(
      `SELECT vendor, model, toString(toDate(bucket_start)) AS day, service_tier, context_window, sum(input_tokens) AS input, sum(cache_read_tokens) AS cache_read,
              sum(cache_write_5m_tokens) AS cache_write_5m, sum(cache_write_1h_tokens) AS cache_write_1h, sum(output_tokens) AS output
         FROM {db:Identifier}.vendor_usage FINAL
        WHERE organization_id = {org:UUID} AND bucket_start >= toDateTime({from:UInt32}) AND bucket_start < toDateTime({to:UInt32})
        GROUP BY vendor, model, day, service_tier, context_window`,
      { org: p.org, from: START, to: END + DAY },
    );
    const book = new PriceBook(loadPriceTable());
    const expected = new Map<string, Atto>();
    for (const r of rows) {
      const priced = book.price({ vendor: r.vendor, model: r.model, day: r.day, serviceTier: r.service_tier, contextWindow: r.context_window, tokens: r });
      if (priced.priced) expected.set(`${r.vendor}|${r.model}`, (expected.get(`${r.vendor}|${r.model}`) ?? 0n) + priced.cost);
    }
    const byModel = (await get(`/api/v1/costs/breakdown?by=model&from=${RANGE.from}&to=${RANGE.to}`)).data as { key: string; vendor: string; cost: string }[];
    const embeddings = byModel.find((r) => r.key.startsWith('text-embedding-3-small'));
    expect(embeddings).toBeDefined();
    for (const r of byModel) expect([r.key, r.cost]).toEqual([r.key, usdText(expected.get(`${r.vendor}|${r.key}`) ?? 0n)]);

    const [bill] = await systemTelemetry(p.stores.telemetry).query<{ usd: string }>(
      `SELECT toString(sum(amount_usd)) AS usd FROM {db:Identifier}.vendor_costs FINAL WHERE organization_id = {org:UUID} AND day >= {from:String} AND day < {to:String}`,
      { org: p.org, ...RANGE },
    );
    const reconciled = ((await get(`/api/v1/costs/reconciliation?from=${RANGE.from}&to=${RANGE.to}`)).data as { billedCost: string | null }[]).reduce((s, r) => s + usdToAtto(r.billedCost ?? '0'), 0n);
    expect(usdText(reconciled)).toBe(usdText(usdToAtto(bill!.usd)));
  });
});
