import { join } from 'node:path';
import { readMigrations } from '@ai-arm/schemas';
import { PROCESS_TEST_MS, runCli, waitForCollector, type CliRun } from './support/cli';
import { checkMetrics } from './support/promtool';
import { TEST_ROOT, uniqueName } from './support/paths';
import { seedPGlite } from './support/stores';

/** The CLI as its own process: the configuration, lock and shutdown paths a user meets. */
describe('ai-arm CLI as a process', () => {
  // A failed expectation must not leave a collector running (jest would wait for it forever).
  const children: CliRun[] = [];
  const track = (run: CliRun) => (children.push(run), run);
  afterEach(() => {
    for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  });

  it('exits non-zero at once with one line naming a bad ARM_PORT', async () => {
    const run = runCli(['start'], { ARM_PORT: 'abc', ARM_DATA_DIR: join(TEST_ROOT, uniqueName('bad')) });
    expect(await run.exited).toBe(78);
    expect(run.stderr().trim().split('\n')).toEqual(['ai-arm: invalid configuration: ARM_PORT must be an integer from 0 to 65535 (got "abc")']);
  });

  it('starts in demo mode, answers migrate from the running collector, shuts down cleanly, restarts without re-migrating', async () => {
    const dataDir = join(TEST_ROOT, uniqueName('cli'));
    // An initialised, unmigrated PGlite cluster (see seedPGlite): the first start still migrates
    // everything; a first start on a truly empty volume is test/deploy/image.test.ts.
    seedPGlite(join(dataDir, 'pglite'));
    const env = { ARM_DATA_DIR: dataDir, ARM_PORT: '0', ARM_LOG_LEVEL: 'info' };

    const first = track(runCli(['start'], env));
    const url = await waitForCollector(dataDir, first);
    expect(first.stdout()).toMatch(/running in demo mode/);
    expect(first.stdout()).toMatch(new RegExp(`applied ${readMigrations('postgres').length} postgres migration`));
    const health = (await (await fetch(`${url}/api/health`)).json()) as { data: { stores: Record<string, { status: string }> } };
    expect(Object.values(health.data.stores).map((s) => s.status)).toEqual(['up', 'up']);
    expect(checkMetrics(await (await fetch(`${url}/metrics`)).text()).ok).toBe(true);

    const migrate = track(runCli(['migrate'], env));
    expect(await migrate.exited).toBe(0);
    expect(migrate.stdout()).toMatch(/collector pid \d+ is running/);

    const backfill = track(runCli(['backfill', '--since', '3d'], env));
    expect(await backfill.exited).toBe(0);
    expect(backfill.stderr()).toMatch(/backfilling 2 connection\(s\) from 3d in the collector/);
    expect(backfill.stderr()).toMatch(/OPENAI +\[#{24}\] 100%  [\d,]+ rows  done/);
    expect(backfill.stderr()).toMatch(/ANTHROPIC +\[#{24}\] 100%/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stdout()).toMatch(/shutdown complete/);

    const second = track(runCli(['start'], env));
    await waitForCollector(dataDir, second);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.stdout()).not.toMatch(/applied \d+ \w+ migration/);
    expect(second.stdout()).toMatch(/collector ready/);
  }, PROCESS_TEST_MS);

  it('without ARM_BOOTSTRAP_API_KEY, the first start prints an admin key once, which works; a restart does not print it again', async () => {
    const dataDir = join(TEST_ROOT, uniqueName('boot'));
    seedPGlite(join(dataDir, 'pglite'));
    const env = { ARM_DATA_DIR: dataDir, ARM_PORT: '0', ARM_BOOTSTRAP_API_KEY: '', ARM_POLL_INTERVAL_MS: '3600000' };
    const first = track(runCli(['start'], env));
    const url = await waitForCollector(dataDir, first);
    const keys = first.stdout().match(/arm_sk_live_[A-Za-z0-9]{40}/g) ?? [];
    expect(new Set(keys).size).toBe(1);
    // Printed as a banner, never inside a structured log record.
    expect(first.stdout().split('\n').filter((l) => l.startsWith('{') && l.includes(keys[0]!))).toEqual([]);
    const me = (await (await fetch(`${url}/api/auth/me`, { headers: { authorization: `Bearer ${keys[0]}` } })).json()) as { data: { role: string } };
    expect(me.data.role).toBe('admin');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = track(runCli(['start'], env));
    await waitForCollector(dataDir, second);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.stdout()).not.toMatch(/arm_sk_live_/);
  }, PROCESS_TEST_MS);

  it('ai-arm simulate serves the simulated vendors until stopped, and refuses a bad flag', async () => {
    const bad = track(runCli(['simulate', '--fault-rate', '2'], {}));
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/--fault-rate must be a number from 0 to 1/);

    const sim = track(runCli(['simulate', '--port', '0', '--agents', '5'], {}));
    const deadline = Date.now() + 30_000;
    while (!/vendor simulator on (\S+)/.test(sim.stdout()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const url = /vendor simulator on (\S+)/.exec(sim.stdout())![1]!;
    expect(sim.stdout()).toMatch(/OPENAI_BASE_URL=\S+\/openai\/v1/);
    const world = (await (await fetch(`${url}/_sim/world`)).json()) as { agents: unknown[] };
    expect(world.agents).toHaveLength(5);
    sim.child.kill('SIGTERM');
    expect(await sim.exited).toBe(0);
  }, PROCESS_TEST_MS);
});
