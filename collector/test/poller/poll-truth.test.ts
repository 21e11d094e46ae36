import { openStores, type Stores } from '../../src/stores';
import { BatchWriter } from '../../src/stores/clickhouse/batch-writer';
import type { TelemetryDb } from '../../src/stores/clickhouse/client';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { CONTROL_PLANE, quietLogger, testConfig, testMetrics } from '../support/stores';
import { DAY, expectedDays, HOUR, simPoller, storedDays, toCents, truthOf } from '../support/poller';
import { systemDb } from '../support/system-db';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000 + 1234;
const END = Math.floor(NOW / HOUR) * HOUR;

/** Poll the simulator with the real poller into real stores, then hold the stores to /truth. */
describe(`poller against the vendor simulator (real chdb and ${CONTROL_PLANE})`, () => {
  let sims: Simulator[] = [];
  let stores: Stores[] = [];
  const open = async (env: Record<string, string> = {}) => {
    const config = testConfig({ ARM_POLL_BACKFILL_DAYS: '3', ARM_POLL_TRAILING_HOURS: '48', ...env });
    const { metrics } = testMetrics();
    const s = await openStores(config, metrics, quietLogger());
    stores.push(s);
    return { config, metrics, stores: s };
  };
  const sim = async (opts: Parameters<typeof startSimulator>[0] = {}) => {
    const s = await startSimulator({ now: NOW, agents: 30, ...opts });
    sims.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(sims.map((s) => s.close()));
    await Promise.all(stores.map((s) => s.close()));
    sims = [];
    stores = [];
  });

  it('stores usage equal to the truth in tokens, and billed cost equal to the cent, per vendor, model and day', async () => {
    const simulator = await sim();
    const { config, metrics, stores: s } = await open();
    const { org, poller } = await simPoller(simulator, s, config, metrics);
    await poller.runOnce();
    const start = Math.floor((END - 3 * DAY) / DAY) * DAY;
    const truth = await truthOf(simulator, start, END);
    expect(truth.length).toBeGreaterThan(10);
    expect(toCents(await storedDays(s, org))).toEqual(toCents(expectedDays(truth)));
  });

  it('a restart in the middle of a backfill resumes from its watermark: same totals, nothing counted twice', async () => {
    const simulator = await sim();
    const { config, metrics, stores: s } = await open({ ARM_POLL_BACKFILL_DAYS: '20' });
    // The store goes away after a few pages: the collector "dies" in the middle of the backfill.
    let inserts = 0;
    const dying: TelemetryDb = { ...s.telemetry, insert: async (t, rows) => { if (++inserts > 2) throw new Error('killed'); return s.telemetry.insert(t, rows); } };
    const writer = new BatchWriter(dying, config.write, metrics, quietLogger());
    const first = await simPoller(simulator, { controlPlane: s.controlPlane, telemetry: dying, writer }, config, metrics);
    await expect(first.poller.reports(first.poller.connections[0]!)).rejects.toThrow('killed');
    await writer.close();
    const marks = await systemDb(s.controlPlane).query<{ watermark: Date }>('SELECT watermark FROM poll_watermarks WHERE organization_id = $1', [first.org]);
    expect(marks.some((m) => m.watermark.getTime() / 1000 < END)).toBe(true);
    expect(marks.some((m) => m.watermark.getTime() / 1000 > END - 20 * DAY)).toBe(true);

    const second = await simPoller(simulator, s, config, metrics, undefined, (await systemDb(s.controlPlane).query<{ slug: string }>('SELECT slug FROM organizations WHERE id = $1', [first.org]))[0]!.slug);
    await second.poller.runOnce();
    const truth = await truthOf(simulator, Math.floor((END - 20 * DAY) / DAY) * DAY, END);
    expect(toCents(await storedDays(s, second.org))).toEqual(toCents(expectedDays(truth)));
  });

  it('with 20% of vendor calls failing, the SDK retries and the totals still match', async () => {
    const simulator = await sim({ faultRate: 0.2 });
    const { config, metrics, stores: s } = await open({ ARM_POLL_BACKFILL_DAYS: '2' });
    const { org, poller } = await simPoller(simulator, s, config, metrics);
    await poller.runOnce();
    expect(simulator.state.stats.faults).toBeGreaterThan(0);
    const truth = await truthOf(simulator, Math.floor((END - 48 * HOUR) / DAY) * DAY, END);
    expect(toCents(await storedDays(s, org))).toEqual(toCents(expectedDays(truth)));
  });

  it('re-polls the trailing window so revised buckets replace what was stored', async () => {
    const simulator = await sim();
    const { config, metrics, stores: s } = await open({ ARM_POLL_BACKFILL_DAYS: '1', ARM_POLL_TRAILING_HOURS: '12' });
    const { org, poller } = await simPoller(simulator, s, config, metrics);
    await poller.runOnce();
    const early = await storedDays(s, org);
    simulator.state.setNow(NOW + 6 * HOUR);
    await poller.runOnce();
    const later = await storedDays(s, org);
    const today = (rows: typeof early) => rows.filter((r) => r.day === '2026-11-20').reduce((n, r) => n + r.output, 0);
    expect(today(later)).toBeGreaterThan(today(early));
    const truth = await truthOf(simulator, Math.floor((END - DAY) / DAY) * DAY, END + 6 * HOUR);
    expect(toCents(later)).toEqual(toCents(expectedDays(truth)));
  });

  it('never exceeds the vendor rate limit: it waits for the window instead of collecting 429s', async () => {
    const simulator = await sim({ rateLimit: { requests: 4, windowSeconds: 1 } });
    const { config, metrics, stores: s } = await open({ ARM_POLL_BACKFILL_DAYS: '1' });
    const { org, poller } = await simPoller(simulator, s, config, metrics);
    await poller.runOnce();
    // More calls than one window allows, on each vendor's key: the limit was really in play.
    expect(simulator.state.stats.requests).toBeGreaterThan(2 * 4);
    expect(simulator.state.stats.rateLimited).toBe(0);
    expect(simulator.state.stats.violations).toBe(0);
    // The 48-hour trailing window reaches further back than the one-day backfill.
    const truth = await truthOf(simulator, Math.floor((END - 48 * HOUR) / DAY) * DAY, END);
    expect(toCents(await storedDays(s, org))).toEqual(toCents(expectedDays(truth)));
  });
});
