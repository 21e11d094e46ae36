import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataLock, readLiveLock, type LockInfo } from '../src/runtime/data-lock';
import { runCli, TEST_API_KEY, waitForCollector, type CliRun } from './support/cli';
import { seedPGlite } from './support/stores';
import { until } from './support/wait';

const BIN = join(__dirname, '..', 'bin', 'ai-arm.js');
const lockOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'collector.lock'), 'utf8')) as LockInfo;
const procState = (pid: number) => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return 'gone';
  }
};

describe('the data-directory lock of a collector that died', () => {
  const dirs: string[] = [];
  const runs: CliRun[] = [];
  let parent: ReturnType<typeof spawn> | undefined;
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'ai-arm-lock-'));
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    for (const r of runs) r.child.kill('SIGKILL');
    await Promise.all(runs.map((r) => r.exited));
    parent?.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('is not held by a live process that was given the same pid later (its start time differs)', () => {
    const dir = tempDir();
    // The parent of this process is alive; the lock says its process started at another time.
    writeFileSync(join(dir, 'collector.lock'), JSON.stringify({ pid: process.ppid, host: '127.0.0.1', port: 9, startedAt: '', processStart: '1' }));
    expect(readLiveLock(dir)).toBeNull();
    const lock = acquireDataLock(dir, '127.0.0.1', 8080);
    expect(lockOf(dir)).toMatchObject({ pid: process.pid, processStart: expect.stringMatching(/^\d+$/) });
    // Its own lock, start time and all, reads as held.
    expect(readLiveLock(dir)?.pid).toBe(process.pid);
    lock.release();
  });

  it('SIGKILL of a collector whose parent never reaps it (a zombie): a restart on the same directory succeeds at once', async () => {
    const dir = tempDir();
    seedPGlite(join(dir, 'pglite'));
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ARM_BOOTSTRAP_API_KEY: TEST_API_KEY, ARM_DATA_DIR: dir, ARM_PORT: '0', ARM_LOG_LEVEL: 'warn', ARM_MASTER_KEY: 'c'.repeat(64) };
    // The shell starts the collector in the background, then becomes `sleep`, which never waits for its children.
    parent = spawn('sh', ['-c', `"${process.execPath}" --conditions=@ai-arm/source "${BIN}" start >/dev/null 2>&1 & exec sleep 600`], { env });
    const collectorPid = await until('the collector listening', async () => {
      const lock = lockOf(dir);
      return lock.port > 0 && (await fetch(`http://127.0.0.1:${lock.port}/api/health`)).status === 200 ? lock.pid : undefined;
    }, 120_000);
    process.kill(collectorPid, 'SIGKILL');
    await until('the killed collector a zombie', async () => (procState(collectorPid) === 'Z' ? true : undefined));

    const again = runCli(['start'], { ARM_DATA_DIR: dir, ARM_PORT: '0', ARM_LOG_LEVEL: 'warn', ARM_MASTER_KEY: 'c'.repeat(64) });
    runs.push(again);
    const url = await waitForCollector(dir, again, 120_000);
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    expect(lockOf(dir).pid).toBe(again.child.pid);
  });
});
