import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { AUTH, PROCESS_TEST_MS, runCli, waitForCollector, type CliRun } from '../support/cli';
import { DAY, HOUR, truthOf } from '../support/poller';
import { seedPGlite } from '../support/stores';
import { sampleTotal, until } from '../support/wait';

const BACKFILL_DAYS = 20;

/**
 * The collector as a user runs it, killed with SIGKILL (no shutdown, no flush) in the middle
 * of its first backfill, then started again on the same data directory: what it stores in the
 * end must equal the simulator's truth, with no gap and nothing counted twice.
 */
describe('SIGKILL in the middle of a backfill (child collector processes, real kill)', () => {
  let sim: Simulator;
  let dir: string;
  const runs: CliRun[] = [];
  afterAll(async () => {
    for (const r of runs) r.child.kill('SIGKILL');
    await Promise.all(runs.map((r) => r.exited));
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('resumes from its watermarks after the kill and ends with tokens exact and cost to the cent per vendor, model and day', async () => {
    // Slow vendor responses stretch the backfill so the kill lands in its middle. The
    // simulator's clock stands still, so recent buckets are not revised while the test runs
    // and its truth is the data it served.
    sim = await startSimulator({ agents: 60, latencyMs: 150, now: Math.floor(Date.now() / 1000) });
    dir = mkdtempSync(join(tmpdir(), 'ai-arm-sigkill-'));
    seedPGlite(join(dir, 'pglite'));
    const keys = sim.state.opts.keys;
    const env = {
      ARM_DATA_DIR: dir,
      ARM_PORT: '0',
      ARM_LOG_LEVEL: 'warn',
      ARM_POLL_BACKFILL_DAYS: String(BACKFILL_DAYS),
      ARM_POLL_INTERVAL_MS: '2000',
      ARM_MASTER_KEY: 'c'.repeat(64),
      OPENAI_ADMIN_KEY: keys.openaiAdmin,
      OPENAI_BASE_URL: `${sim.url}/openai/v1`,
      ANTHROPIC_ADMIN_KEY: keys.anthropicAdmin,
      ANTHROPIC_BASE_URL: `${sim.url}/anthropic`,
    };

    const first = runCli(['start'], env);
    runs.push(first);
    const url = await waitForCollector(dir, first);
    await until('a few usage pages', async () => (sampleTotal(await (await fetch(`${url}/metrics`)).text(), 'ai_arm_collector_vendor_api_requests_total') >= 6 ? true : undefined));
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    // The kill landed mid-backfill: some feed's watermark is still short of the present.
    const pg = new PGlite(join(dir, 'pglite'));
    const marks = await pg.query<{ feed: string; watermark: Date }>('SELECT feed, watermark FROM poll_watermarks');
    await pg.close();
    const hourNow = Math.floor(Date.now() / 1000 / HOUR) * HOUR;
    expect(marks.rows.some((m) => m.watermark.getTime() / 1000 < hourNow)).toBe(true);

    const second = runCli(['start'], env);
    runs.push(second);
    const url2 = await waitForCollector(dir, second);
    // Done when a poll of every connection succeeded after the restart.
    await until('both connections polled', async () => (sampleTotal(await (await fetch(`${url2}/metrics`)).text(), 'ai_arm_collector_polls_total') >= 2 ? true : undefined), 120_000);

    const end = Math.floor(Date.now() / 1000 / HOUR) * HOUR;
    const start = Math.floor((end - BACKFILL_DAYS * DAY) / DAY) * DAY;
    const truth = await truthOf(sim, start, end);
    const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
    const byModel = async () => {
      const res = await fetch(`${url2}/api/v1/costs/breakdown?by=model&from=${day(start)}&to=${day(end - 1)}`, { headers: AUTH });
      const body = (await res.json()) as { data: { key: string; vendor: string; tokens: number }[] };
      return new Map(body.data.map((r) => [`${r.vendor.toLowerCase()}|${r.key}`, r.tokens]));
    };
    const expected = new Map<string, number>();
    for (const t of truth) {
      const k = `${t.vendor}|${t.model}`;
      expected.set(k, (expected.get(k) ?? 0) + Object.values(t.tokens).reduce((s, n) => s + n, 0));
    }
    expect(Object.fromEntries(await byModel())).toEqual(Object.fromEntries(expected));

    // Cost to the cent per vendor, model and day: the computed cost the API reports for each day.
    const days = [...new Set(truth.map((t) => t.day))];
    const computed = new Map<string, number>();
    for (const d of days) {
      const res = (await (await fetch(`${url2}/api/v1/costs/breakdown?by=model&from=${d}&to=${d}`, { headers: AUTH })).json()) as { data: { key: string; vendor: string; cost: string }[] };
      for (const r of res.data) computed.set(`${r.vendor.toLowerCase()}|${r.key}|${d}`, Math.round(Number(r.cost) * 100));
    }
    const wrong = truth.filter((t) => computed.get(`${t.vendor}|${t.model}|${t.day}`) !== Math.round(t.billedUsd * 100));
    expect(wrong).toEqual([]);
  }, PROCESS_TEST_MS);
});
