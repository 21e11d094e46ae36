import { join } from 'node:path';
import { runCli, waitForCollector } from './support/cli';
import { checkMetrics } from './support/promtool';
import { TEST_ROOT, uniqueName } from './support/paths';

/** The CLI as its own process: the configuration, lock and shutdown paths a user meets. */
describe('ai-arm CLI as a process', () => {
  it('exits non-zero at once with one line naming a bad ARM_PORT', async () => {
    const run = runCli(['start'], { ARM_PORT: 'abc', ARM_DATA_DIR: join(TEST_ROOT, uniqueName('bad')) });
    expect(await run.exited).toBe(78);
    expect(run.stderr().trim().split('\n')).toEqual(['ai-arm: invalid configuration: ARM_PORT must be an integer from 0 to 65535 (got "abc")']);
  });

  it('starts in demo mode, answers migrate from the running collector, shuts down cleanly, restarts without re-migrating', async () => {
    const dataDir = join(TEST_ROOT, uniqueName('cli'));
    const env = { ARM_DATA_DIR: dataDir, ARM_PORT: '0', ARM_LOG_LEVEL: 'info' };

    const first = runCli(['start'], env);
    const url = await waitForCollector(dataDir, first);
    expect(first.stdout()).toMatch(/running in demo mode/);
    expect(first.stdout()).toMatch(/applied 1 postgres migration/);
    const health = (await (await fetch(`${url}/api/health`)).json()) as { data: { stores: Record<string, { status: string }> } };
    expect(Object.values(health.data.stores).map((s) => s.status)).toEqual(['up', 'up']);
    expect(checkMetrics(await (await fetch(`${url}/metrics`)).text()).ok).toBe(true);

    const migrate = runCli(['migrate'], env);
    expect(await migrate.exited).toBe(0);
    expect(migrate.stdout()).toMatch(/collector pid \d+ is running/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stdout()).toMatch(/shutdown complete/);

    const second = runCli(['start'], env);
    await waitForCollector(dataDir, second);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.stdout()).not.toMatch(/applied \d+ \w+ migration/);
    expect(second.stdout()).toMatch(/collector ready/);
  });
});
