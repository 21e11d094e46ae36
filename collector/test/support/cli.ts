import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'ai-arm.js');

export interface CliRun {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** The admin key test collectors start with (ARM_BOOTSTRAP_API_KEY), and the header that sends it. */
export const TEST_API_KEY = 'arm_sk_live_TestKeyTestKeyTestKeyTestKey0001';
export const AUTH = { authorization: `Bearer ${TEST_API_KEY}` };

/**
 * The time a test may take that starts collector processes (each start loads tsx and the engines:
 * 3-5 s on a quiet machine, 15 s and more while CI's two Node passes share its 2 cores; a run of
 * `.ci/run` saw a test of four starts take 60 s).
 */
export const PROCESS_TEST_MS = 180_000;

/**
 * Runs `ai-arm <args>` as its own process, the way a user does; with TEST_API_KEY unless `env`
 * says otherwise, and without the demo agents' pushes: those tests start a demo collector for its
 * polling, keys, locks or shutdown, and the agents' past week (8,100 requests imported, then a
 * quality pass over them) would only load a machine the other test files share. The demo agents'
 * own test (simulator/agent-traffic-demo.test.ts) starts them.
 */
export function runCli(args: string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, ['--conditions=@ai-arm/source', BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ARM_BOOTSTRAP_API_KEY: TEST_API_KEY, ARM_DEMO_REQUESTS_PER_SECOND: '0', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until the collector on `dataDir` answers /api/health; returns its base URL. */
export async function waitForCollector(dataDir: string, run: CliRun, timeoutMs = 90_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void run.exited.then((c) => (exitCode = c));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`collector exited with ${exitCode}:\n${run.stdout()}\n${run.stderr()}`);
    try {
      const lock = JSON.parse(readFileSync(join(dataDir, 'collector.lock'), 'utf8')) as { port: number };
      if (lock.port > 0) {
        const url = `http://127.0.0.1:${lock.port}`;
        const res = await fetch(`${url}/api/health`);
        if (res.status === 200) return url;
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`collector did not answer within ${timeoutMs} ms:\n${run.stdout()}\n${run.stderr()}`);
}
