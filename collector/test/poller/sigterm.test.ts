import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/env';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { openStores } from '../../src/stores';
import { PROCESS_TEST_MS, runCli, waitForCollector, type CliRun } from '../support/cli';
import { quietLogger, seedPGlite, testMetrics } from '../support/stores';
import { sampleTotal, until } from '../support/wait';
import { systemDb, systemTelemetry } from '../support/system-db';

const LIMIT = 12;
const SHUTDOWN_TIMEOUT_MS = 20_000;

/**
 * The collector as a user runs it, polling a vendor whose rate limit is spent for the next ten
 * minutes, so its next vendor call waits for the reset; then SIGTERM. The wait must end at once:
 * the collector exits 0, having flushed the writes it buffered and closed its stores, long before
 * the shutdown timeout that would otherwise cut it off without either.
 */
describe('SIGTERM while a poll waits out a vendor rate limit (child collector process, real signal)', () => {
  let sim: Simulator;
  let dir: string;
  let run: CliRun | undefined;
  afterAll(async () => {
    run?.child.kill('SIGKILL');
    await run?.exited;
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('cancels the wait, flushes the buffered writes, closes the stores and exits 0 well within ARM_SHUTDOWN_TIMEOUT_MS', async () => {
    sim = await startSimulator({ agents: 5, now: Math.floor(Date.now() / 1000), rateLimit: { requests: LIMIT, windowSeconds: 600 } });
    dir = mkdtempSync(join(tmpdir(), 'ai-arm-sigterm-'));
    seedPGlite(join(dir, 'pglite'));
    const keys = sim.state.opts.keys;
    run = runCli(['start'], {
      ARM_DATA_DIR: dir,
      ARM_PORT: '0',
      ARM_LOG_LEVEL: 'info',
      ARM_POLL_BACKFILL_DAYS: '1',
      ARM_POLL_INTERVAL_MS: '1000',
      ARM_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      // Nothing reaches ClickHouse through the batch writer but the flush at shutdown.
      ARM_WRITE_FLUSH_MS: '600000',
      ARM_WRITE_BATCH_SIZE: '1000000',
      ARM_MASTER_KEY: 'c'.repeat(64),
      OPENAI_ADMIN_KEY: keys.openaiAdmin,
      OPENAI_BASE_URL: `${sim.url}/openai/v1`,
      ANTHROPIC_ADMIN_KEY: keys.anthropicAdmin,
      ANTHROPIC_BASE_URL: `${sim.url}/anthropic`,
    });
    const url = await waitForCollector(dir, run);
    await until('a poll of both connections', async () => (sampleTotal(await (await fetch(`${url}/metrics`)).text(), 'ai_arm_collector_polls_total') >= 2 ? true : undefined), 120_000);
    // Every request of the window spent: the vendor said 0 remaining until a reset ten minutes away.
    await until('the rate limit spent on both vendors', async () => ([...sim.state.windows.values()].filter((w) => w.count >= LIMIT).length >= 2 ? true : undefined), 120_000);
    const served = sim.state.stats.requests;
    // The next poll (every second) is now waiting at the rate gate.
    await new Promise((r) => setTimeout(r, 3000));
    expect(sim.state.stats.requests).toBe(served);
    expect(sim.state.stats.rateLimited).toBe(0);

    const signalled = Date.now();
    run.child.kill('SIGTERM');
    const code = await run.exited;
    const tookMs = Date.now() - signalled;
    const out = run.stdout();
    expect(out).not.toMatch(/shutdown timed out/);
    expect(code).toBe(0);
    expect(out).toMatch(/shutdown complete: requests finished, polls stopped, writes flushed, stores closed/);
    expect(tookMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    // No request left for the vendor after the signal.
    expect(sim.state.stats.requests).toBe(served);

    // What was written before the signal is there: the poll-run records only the shutdown flushed, and the watermarks.
    const stores = await openStores(loadConfig({ ARM_DATA_DIR: dir }), testMetrics().metrics, quietLogger());
    try {
      const [logs] = await systemTelemetry(stores.telemetry).query<{ n: number }>("SELECT count() AS n FROM {db:Identifier}.otel_logs WHERE EventName = 'ai_arm.poll.run'", { db: stores.telemetry.database });
      expect(Number(logs!.n)).toBeGreaterThanOrEqual(2);
      const marks = await systemDb(stores.controlPlane).query<{ n: number }>('SELECT count(*)::int AS n FROM poll_watermarks');
      expect(marks[0]!.n).toBeGreaterThan(0);
    } finally {
      await stores.close();
    }
  }, PROCESS_TEST_MS);
});
