import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianBinary } from './promtool';

const COLLECTOR_BIN = join(__dirname, '..', '..', '..', 'collector', 'bin', 'ai-arm.js');
/** The admin key the test collector starts with (ARM_BOOTSTRAP_API_KEY). */
export const AUTH = { authorization: 'Bearer arm_sk_live_AlertingLiveTestKeyAlertingLive01' };

export const json = async <T>(url: string, init?: RequestInit) => {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

/** Polls `fn` until it returns a value (not undefined); its errors count as "not yet". */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });

export interface Running {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** The real collector in demo mode, as `npm start` runs it, with short poll and health intervals. */
export async function startDemoCollector(): Promise<Running & { simulator: string; output: () => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ai-arm-live-'));
  const child = spawn(process.execPath, ['--conditions=@ai-arm/source', COLLECTOR_BIN, 'start'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ARM_DATA_DIR: dir, ARM_BOOTSTRAP_API_KEY: AUTH.authorization.slice('Bearer '.length), ARM_PORT: '0', ARM_LOG_LEVEL: 'info', ARM_POLL_INTERVAL_MS: '5000', ARM_HEALTH_INTERVAL_MS: '3000' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = await until('the demo collector to answer /api/health', async () => {
    if (child.exitCode !== null) throw new Error(`collector exited with ${child.exitCode}:\n${out}`);
    const lock = JSON.parse(readFileSync(join(dir, 'collector.lock'), 'utf8')) as { port: number };
    if (!(lock.port > 0)) return undefined;
    const res = await fetch(`http://127.0.0.1:${lock.port}/api/health`);
    return res.status === 200 ? `http://127.0.0.1:${lock.port}` : undefined;
  }, 60_000);
  const simulator = /"simulator":"(http:\/\/[^"]+)"/.exec(out)?.[1];
  if (!simulator) throw new Error(`no simulator URL in the collector's log:\n${out}`);
  return {
    url,
    dir,
    simulator,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Debian's Prometheus scraping `target` every second, on a data directory that may hold
 * backfilled blocks; with `ruleFiles` and `alertmanager` (host:port) it also evaluates rules
 * and sends their alerts there.
 */
export async function startPrometheus(target: string, dataDir: string, alerting: { ruleFiles: string[]; alertmanager: string } | undefined = undefined): Promise<Running & { query: (q: string) => Promise<PromResult> }> {
  const dir = mkdtempSync(join(tmpdir(), 'ai-arm-prom-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: [{ job_name: 'aiarm', static_configs: [{ targets: [target] }] }],
    ...(alerting ? { rule_files: alerting.ruleFiles, alerting: { alertmanagers: [{ static_configs: [{ targets: [alerting.alertmanager] }] }] } } : {}),
  };
  // JSON is YAML.
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config));
  const child: ChildProcess = spawn(debianBinary('prometheus'), [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${dataDir}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const query = async (q: string) => {
    const r = await json<{ status: string; data: PromResult; error?: string }>(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
    if (r.status !== 'success') throw new Error(`${q}: ${r.error}`);
    return r.data;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    query,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type PromResult = { resultType: 'vector'; result: { metric: Record<string, string>; value: [number, string] }[] } | { resultType: 'scalar'; result: [number, string] };
