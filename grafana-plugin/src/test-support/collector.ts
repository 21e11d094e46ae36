import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The admin key the test collector starts with (ARM_BOOTSTRAP_API_KEY): tests use it to set up and
 * to check, straight; the app's settings hold a `grafana` key made with it, as the README says.
 */
export const TEST_ADMIN_KEY = 'arm_sk_live_GrafanaPluginTestKeyGrafanaPlug01';
const BIN = join(__dirname, '..', '..', '..', 'collector', 'bin', 'ai-arm.js');

export interface TestCollector {
  url: string;
  simulator: string;
  /**
   * Another vendor organisation (`ai-arm simulate` with a seed of its own): the demo simulator's
   * accounts are connected already, and the collector refuses to connect an account twice.
   */
  otherVendor: string;
  /** A key of the `grafana` role, the one the README recommends for the app. */
  grafanaKey: string;
  stop(): Promise<void>;
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  output: () => string
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) {
        return v;
      }
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last ? ` (${String(last)})` : ''}; collector output:\n${output()}`
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The real collector in demo mode (as `npm start` runs it), in its own data directory, started
 * once for the whole jest run: its stores cannot run under jsdom, so the pages reach it over HTTP.
 * Resolves once the demo agents and a month of costs are in.
 */
export async function startTestCollector(): Promise<TestCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'aiarm-plugin-'));
  const child = spawn(process.execPath, ['--conditions=@ai-arm/source', BIN, 'start'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ARM_DATA_DIR: dir,
      ARM_PORT: '0',
      ARM_BOOTSTRAP_API_KEY: TEST_ADMIN_KEY,
      ARM_LOG_LEVEL: 'info',
      ARM_HEALTH_INTERVAL_MS: '3000',
      // No demo pushes: the pages' tests push what they need through the ingest API, and tracked
      // cost that grows while a test reads it would differ between the page and the test's own read.
      ARM_DEMO_REQUESTS_PER_SECOND: '0',
    },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const vendor = spawn(
    process.execPath,
    ['--conditions=@ai-arm/source', BIN, 'simulate', '--port', '0', '--agents', '4', '--seed', 'another-company'],
    {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    }
  );
  let vendorOut = '';
  vendor.stdout.on('data', (d: Buffer) => (vendorOut += d.toString()));
  vendor.stderr.on('data', (d: Buffer) => (vendorOut += d.toString()));
  const vendorExited = new Promise<void>((resolve) => vendor.on('exit', () => resolve()));
  const output = () => `${out.slice(-4000)}\nother vendor simulator:\n${vendorOut.slice(-1000)}`;
  const stop = async () => {
    for (const p of [child, vendor]) {
      if (p.exitCode === null) {
        p.kill('SIGTERM');
      }
    }
    await Promise.all([exited, vendorExited]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = await until(
      'the demo collector to answer /api/health',
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`collector exited with ${child.exitCode}`);
        }
        const { port } = JSON.parse(readFileSync(join(dir, 'collector.lock'), 'utf8')) as { port: number };
        if (!(port > 0)) {
          return undefined;
        }
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        return res.status === 200 ? `http://127.0.0.1:${port}` : undefined;
      },
      90_000,
      output
    );
    const auth = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
    await until(
      'the demo agents and their costs',
      async () => {
        const agents = (await (await fetch(`${url}/api/v1/agents?limit=1`, { headers: auth })).json()) as {
          meta: { total: number };
        };
        const summary = (await (await fetch(`${url}/api/v1/costs/summary`, { headers: auth })).json()) as {
          data: Array<{ period: string; computedCost: string }>;
        };
        const month = summary.data.find((p) => p.period === 'month');
        return agents.meta.total >= 50 && month && Number(month.computedCost) > 0 ? true : undefined;
      },
      90_000,
      output
    );
    const simulator = /"simulator":"(http:\/\/[^"]+)"/.exec(out)?.[1];
    if (!simulator) {
      throw new Error(`no simulator URL in the collector's log:\n${output()}`);
    }
    const created = await fetch(`${url}/api/v1/api-keys`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Grafana app', role: 'grafana' }),
    });
    if (created.status !== 201) {
      throw new Error(`could not create the grafana key: ${created.status} ${await created.text()}`);
    }
    const grafanaKey = ((await created.json()) as { data: { key: string } }).data.key;
    const otherVendor = await until(
      'the other vendor simulator',
      async () => /vendor simulator on (http:\/\/\S+)/.exec(vendorOut)?.[1],
      30_000,
      output
    );
    return { url, simulator, otherVendor, grafanaKey, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
