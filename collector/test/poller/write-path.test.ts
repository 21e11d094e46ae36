import type { PrometheusSink } from '../../src/metrics/prometheus-sink';
import { openStores, type Stores } from '../../src/stores';
import { BatchWriter } from '../../src/stores/clickhouse/batch-writer';
import type { TelemetryDb } from '../../src/stores/clickhouse/client';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { quietLogger, testConfig, testMetrics } from '../support/stores';
import { DAY, expectedDays, HOUR, simPoller, storedDays, toCents, truthOf } from '../support/poller';
import { systemDb, systemTelemetry } from '../support/system-db';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000 + 1234;
const END = Math.floor(NOW / HOUR) * HOUR;
const TABLES = ['vendor_usage', 'vendor_costs', 'agent_health_checks'] as const;

/** ai_arm_collector_write_rows_total (and the retries) per table, read off the Prometheus text. */
async function writeCounts(sink: PrometheusSink, result: 'success' | 'failure'): Promise<Record<(typeof TABLES)[number], number>> {
  const text = await sink.render();
  const rows = (table: string) => Number(new RegExp(`^ai_arm_collector_write_rows_total\\{store="clickhouse",table="${table}",result="${result}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return Object.fromEntries(TABLES.map((t) => [t, rows(t)])) as Record<(typeof TABLES)[number], number>;
}

async function retries(sink: PrometheusSink): Promise<number> {
  const text = await sink.render();
  return [...text.matchAll(/^ai_arm_collector_write_retries_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

/** Rows in each table, every stored copy counted (no FINAL): what was written, not what it collapses to. */
async function storedRows(stores: Pick<Stores, 'telemetry'>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = Number((await systemTelemetry(stores.telemetry).query<{ n: number }>(`SELECT count() AS n FROM {db:Identifier}.${t}`))[0]!.n);
  return out;
}

/**
 * Usage, costs and health checks reach ClickHouse through the batch writer only, so its row
 * counter is the truth about what was written, whatever the store did meanwhile.
 */
describe('one write path: the poller writes through the batch writer', () => {
  let sims: Simulator[] = [];
  let stores: Stores[] = [];
  const open = async (env: Record<string, string> = {}) => {
    const config = testConfig({ ARM_POLL_BACKFILL_DAYS: '3', ARM_POLL_TRAILING_HOURS: '48', ...env });
    const { metrics, sink } = testMetrics();
    const s = await openStores(config, metrics, quietLogger());
    stores.push(s);
    const simulator = await startSimulator({ now: NOW, agents: 30 });
    sims.push(simulator);
    return { config, metrics, sink, stores: s, simulator };
  };
  afterEach(async () => {
    await Promise.all(sims.map((s) => s.close()));
    await Promise.all(stores.map((s) => s.close()));
    sims = [];
    stores = [];
  });

  it('counts every row a real poll stores: ai_arm_collector_write_rows_total equals the rows in usage, costs and health checks', async () => {
    const { config, metrics, sink, stores: s, simulator } = await open();
    const { poller } = await simPoller(simulator, s, config, metrics);
    await poller.runOnce();
    const stored = await storedRows(s);
    for (const t of TABLES) expect(stored[t]).toBeGreaterThan(0);
    expect(await writeCounts(sink, 'success')).toEqual(stored);
    expect(await writeCounts(sink, 'failure')).toEqual({ vendor_usage: 0, vendor_costs: 0, agent_health_checks: 0 });
  });

  it('a store failing transiently mid-poll loses no row and counts none twice: the watermark waits, the next poll writes the rest', async () => {
    const { config, metrics, sink, stores: s, simulator } = await open({ ARM_POLL_PAGE_ROWS: '500' });
    // The real chdb store, refusing the inserts named in `failing` the way a server that is down does.
    let inserts = 0;
    let written = 0;
    const failing = new Set([3, 4]);
    const flaky: TelemetryDb = {
      ...s.telemetry,
      async insert(table, rows) {
        if (failing.has(++inserts)) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
        await s.telemetry.insert(table, rows);
        written += rows.length;
      },
    };
    const writer = new BatchWriter(flaky, { ...config.write, maxRetries: 1, retryBaseMs: 1 }, metrics, quietLogger());
    const { org, poller } = await simPoller(simulator, { controlPlane: s.controlPlane, telemetry: s.telemetry, writer }, config, metrics);

    // Insert 3 fails, and so does its one retry: the poll fails with that page unwritten, and its feed's watermark stays before it.
    await expect(poller.reports(poller.connections[0]!)).rejects.toThrow(/unwritten after retries.*ECONNREFUSED/);
    const marks = await systemDb(s.controlPlane).query<{ watermark: Date }>('SELECT watermark FROM poll_watermarks WHERE organization_id = $1', [org]);
    expect(marks.some((m) => m.watermark.getTime() / 1000 < END)).toBe(true);
    expect((await writeCounts(sink, 'success')).vendor_usage).toBe(written);

    // The next insert fails once and its retry succeeds, inside the poll.
    failing.add(inserts + 1);
    await poller.runOnce();
    await writer.close();
    expect(await retries(sink)).toBe(2);
    const truth = await truthOf(simulator, Math.floor((END - 3 * DAY) / DAY) * DAY, END);
    expect(toCents(await storedDays(s, org))).toEqual(toCents(expectedDays(truth)));
    // Every row written counted once, the failed page's rows not at all. (The day the watermark
    // stopped in is read again from midnight, so some rows are written, and counted, twice;
    // ReplacingMergeTree collapses them in the background, so count() is no measure here.)
    const success = await writeCounts(sink, 'success');
    expect(success.vendor_usage + success.vendor_costs + success.agent_health_checks).toBe(written);
    expect(await writeCounts(sink, 'failure')).toEqual({ vendor_usage: 0, vendor_costs: 0, agent_health_checks: 0 });
  });
});
