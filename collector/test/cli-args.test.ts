import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { runCli, type CliRun } from './support/cli';
import { TEST_ROOT, uniqueName } from './support/paths';
import { seedPGlite } from './support/stores';

/** What the CLI says to an operator's mistakes: arguments it does not take, and a port already taken. */
describe('ai-arm CLI: operator mistakes as a process', () => {
  const children: CliRun[] = [];
  let busy: Server | undefined;
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    await new Promise<void>((r) => (busy ? busy.close(() => r()) : r()));
    busy = undefined;
  });

  it.each([['start', '--help'], ['migrate', '--dry-run']])('ai-arm %s %s: exit 2 with the usage, nothing run', async (command, flag) => {
    const run = runCli([command!, flag!], { ARM_DATA_DIR: join(TEST_ROOT, uniqueName('args')) });
    children.push(run);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(new RegExp(`ai-arm ${command}: .*${flag}`));
  });

  it('a port another process holds: exit 78 with one line naming ARM_PORT, and the first admin key still shown', async () => {
    busy = createServer();
    const port = await new Promise<number>((resolve) => busy!.listen(0, '127.0.0.1', () => resolve((busy!.address() as { port: number }).port)));
    const dataDir = join(TEST_ROOT, uniqueName('busy-port'));
    seedPGlite(join(dataDir, 'pglite'));
    const run = runCli(['start'], { ARM_DATA_DIR: dataDir, ARM_PORT: String(port), ARM_HOST: '127.0.0.1', ARM_BOOTSTRAP_API_KEY: '' });
    children.push(run);
    expect(await run.exited).toBe(78);
    expect(run.stderr().trim().split('\n')).toEqual([`ai-arm: invalid configuration: ARM_HOST:ARM_PORT 127.0.0.1:${port} is in use by another process (EADDRINUSE)`]);
    expect(run.stdout()).toMatch(/arm_sk_live_[A-Za-z0-9]{32,64}/);
  }, 120_000);
});
