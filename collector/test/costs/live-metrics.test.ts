import { loadPriceTable } from '@ai-arm/schemas';
import { LiveUsageMeter } from '../../src/costs/live-usage';
import { chDateTime } from '../../src/connectors/types';
import { costOf } from '../../src/costs/ledger';
import { attoToNumber, toCents } from '../../src/costs/money';
import { PriceBook } from '../../src/costs/price-book';
import { CostService } from '../../src/costs/service';
import { openConnections } from '../../src/poller/connections';
import { Poller } from '../../src/poller/poller';
import { openStores, type Stores } from '../../src/stores';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { asTenant } from '../../src/stores/tenant-scope';
import { HOUR, simEndpoints } from '../support/poller';
import { CONTROL_PLANE, quietLogger, testConfig, testMetrics } from '../support/stores';
import { sampleTotal } from '../support/wait';
import { systemDb, systemTelemetry } from '../support/system-db';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000 + 1234;
const START = Math.floor(NOW / HOUR) * HOUR;

/**
 * The cost and token counters advance only for buckets newer than a connection's start, by
 * exactly what changed: a backfill, a re-poll or a restart never reads as new spend.
 */
describe(`live cost counters (real chdb and ${CONTROL_PLANE}, simulator clock)`, () => {
  let sim: Simulator;
  let stores: Stores;
  let org: string;
  const config = testConfig({ ARM_POLL_BACKFILL_DAYS: '5', ARM_POLL_TRAILING_HOURS: '48' });

  beforeAll(async () => {
    sim = await startSimulator({ now: NOW, agents: 30, demo: true });
    stores = await openStores(config, testMetrics().metrics, quietLogger());
    org = (await systemDb(stores.controlPlane).query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('Live', $1) RETURNING id", [`live-${Date.now()}`]))[0]!.id;
  });
  afterAll(async () => {
    await sim?.close();
    await stores?.close();
  });

  /** A collector process's worth of metrics state: a fresh registry, meter and poller. */
  const collector = async () => {
    const { sink, metrics } = testMetrics();
    const costs = new CostService(stores, loadPriceTable());
    const meter = new LiveUsageMeter(stores.telemetry, metrics, (o) => costs.meterContext(o), quietLogger());
    const connections = await openConnections(stores.controlPlane, org, 'env', simEndpoints(sim), metrics, config.poll.vendorMaxRetries);
    const poller = new Poller({ config, stores, metrics, log: quietLogger(), now: () => sim.state.now(), costs: { meter, afterReports: async () => undefined } }, connections);
    return { poller, scrape: () => sink.render() };
  };

  /** Tokens and priced cost stored for buckets from `from` on: what the counters should hold. */
  const storedSince = async (from: number) => {
    const rows = await systemTelemetry(stores.telemetry).query<{ vendor: string; model: string; day: string; service_tier: string; context_window: string; input: number; cache_read: number; cache_write_5m: number; cache_write_1h: number; output: number }>(
      `SELECT vendor, model, toDate(bucket_start) AS day, service_tier, context_window, sum(input_tokens) AS input, sum(cache_read_tokens) AS cache_read,
              sum(cache_write_5m_tokens) AS cache_write_5m, sum(cache_write_1h_tokens) AS cache_write_1h, sum(output_tokens) AS output
         FROM {db:Identifier}.vendor_usage FINAL WHERE organization_id = {org:UUID} AND bucket_start >= toDateTime({from:UInt32})
        GROUP BY vendor, model, day, service_tier, context_window`,
      { org, from },
    );
    const book = new PriceBook(loadPriceTable());
    let tokens = 0;
    let cost = 0;
    for (const r of rows) {
      tokens += r.input + r.cache_read + r.cache_write_5m + r.cache_write_1h + r.output;
      const p = book.price({ vendor: r.vendor, model: r.model, day: r.day, serviceTier: r.service_tier, contextWindow: r.context_window, tokens: r });
      if (p.priced) cost += attoToNumber(p.cost);
    }
    return { tokens, cost };
  };

  it('a backfill stores history without moving the counters; new buckets move them by exactly what was stored', async () => {
    const first = await collector();
    await first.poller.runOnce();
    const [stored] = await systemTelemetry(stores.telemetry).query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.vendor_usage WHERE organization_id = {org:UUID}', { org });
    expect(stored!.n).toBeGreaterThan(1000);
    let text = await first.scrape();
    expect(sampleTotal(text, 'ai_arm_tokens_total')).toBe(0);
    expect(sampleTotal(text, 'ai_arm_cost_usd_total')).toBe(0);

    sim.state.setNow(NOW + 3 * HOUR);
    await first.poller.runOnce();
    text = await first.scrape();
    const live = await storedSince(START);
    expect(live.tokens).toBeGreaterThan(0);
    expect(sampleTotal(text, 'ai_arm_tokens_total')).toBe(live.tokens);
    expect(sampleTotal(text, 'ai_arm_cost_usd_total')).toBeCloseTo(live.cost, 6);
    // The cost engine behind the API, over the same hours, agrees with the counter to the cent.
    const engine = new CostService(stores, loadPriceTable());
    const api = costOf(await asTenant(org, () => engine.ledger({ organizationId: org, from: chDateTime(START), to: chDateTime(NOW + 3 * HOUR + HOUR) }, 'none', undefined, 'hour')));
    expect(Math.round(sampleTotal(text, 'ai_arm_cost_usd_total') * 100)).toBe(Number(toCents(api)));
    // The demo's model the table lacks is counted as unpriced, not priced at zero.
    expect(text).toMatch(/ai_arm_tokens_unpriced_total\{organization_id="[^"]+",gen_ai_provider_name="openai",gen_ai_request_model="o1-pro-2025-03-19",source="vendor_report"\} [1-9]/);

    // Polling the same window again (the trailing re-poll) adds nothing.
    await first.poller.runOnce();
    expect(sampleTotal(await first.scrape(), 'ai_arm_tokens_total')).toBe(live.tokens);
  });

  it('after a restart the counters start from zero and add only buckets and revisions that arrive later', async () => {
    const atRestart = await storedSince(START);
    const second = await collector();
    await second.poller.runOnce();
    expect(sampleTotal(await second.scrape(), 'ai_arm_tokens_total')).toBe(0);

    // Two more hours: new buckets arrive and the recent ones are revised upwards.
    sim.state.setNow(NOW + 5 * HOUR);
    await second.poller.runOnce();
    const now = await storedSince(START);
    const text = await second.scrape();
    expect(sampleTotal(text, 'ai_arm_tokens_total')).toBe(now.tokens - atRestart.tokens);
    expect(sampleTotal(text, 'ai_arm_cost_usd_total')).toBeCloseTo(now.cost - atRestart.cost, 6);
  });

  it('a backfill asked for while the scheduled poll runs waits its turn and counts each new bucket once', async () => {
    const third = await collector();
    await third.poller.runOnce();
    const before = await storedSince(START);
    sim.state.setNow(NOW + 7 * HOUR);
    // The backfill covers the trailing window the scheduled poll re-reads: side by side, both
    // could read the same new bucket as not yet stored and count it. So they take turns.
    const seen: string[] = [];
    await Promise.all(
      third.poller.connections.flatMap((c) => [
        third.poller.reports(c, { onProgress: () => seen.push(`${c.vendor} scheduled`) }),
        third.poller.reports(c, { since: sim.state.now() - 48 * HOUR, onProgress: () => seen.push(`${c.vendor} backfill`) }),
      ]),
    );
    for (const vendor of ['OPENAI', 'ANTHROPIC']) {
      const runs = seen.filter((s) => s.startsWith(vendor));
      const turns = runs.filter((s, i) => i === 0 || s !== runs[i - 1]);
      expect(turns).toEqual([`${vendor} scheduled`, `${vendor} backfill`]);
    }
    const after = await storedSince(START);
    expect(after.tokens).toBeGreaterThan(before.tokens);
    const text = await third.scrape();
    expect(sampleTotal(text, 'ai_arm_tokens_total')).toBe(after.tokens - before.tokens);
    expect(sampleTotal(text, 'ai_arm_cost_usd_total')).toBeCloseTo(after.cost - before.cost, 6);
  });
});
