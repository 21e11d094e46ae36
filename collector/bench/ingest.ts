/**
 * The push path under load: the collector on its embedded stores (in this process, as the
 * other benches run it) takes OTLP/HTTP protobuf export requests of 100 GenAI spans each from
 * a separate load process (ingest-load.ts) over loopback, with an ingest key:
 *   npm run bench:ingest [-- --seconds 20 --warmup 3 --connections 8 --raw-rows 200000 --rate N --only 1|3 --curve F,F,...]
 * Three steps, each printed beside the issue's targets (never asserted):
 *  1. throughput: `--connections` clients in a closed loop, as fast as the collector answers;
 *     accepted spans/s, latency (a saturated queue's), the collector's CPU by thread and RSS;
 *  2. the baseline: a raw insert of the same rows (read back) into the same engine, and the ratio;
 *  3. latency at the target: a fresh collector under an open loop at the issue's throughput
 *     target (0.5x the raw rate just measured, or `--rate`), its p50/p99 counted from when each
 *     request was due.
 *  4. with `--curve 0.1,0.2,...`: the same open loop at those fractions of the raw rate (with
 *     `--only 3`, of `--rate`), one fresh collector each, and a line each: the rate below which
 *     p99 stays under 50 ms, for sizing a collector.
 * After each load, the store must hold exactly the spans the collector accepted (FINAL).
 * `--only 1` runs the first step alone, `--only 3 --rate N` the last: for trying a change quickly.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app';
import { ApiKeyStore } from '../src/auth/store';
import { loadConfig } from '../src/config/env';
import { createLogger } from '../src/logger';
import { Instruments } from '../src/metrics/instruments.generated';
import { PrometheusSink } from '../src/metrics/prometheus-sink';
import { ensureDefaultOrganization } from '../src/poller/organization';
import { openStores, type Stores } from '../src/stores';
import { asSystem, asTenant } from '../src/stores/tenant-scope';
import type { LoadJob, LoadResult } from './ingest-load';
import { threadCpu, threadCpuSince, type ThreadCpu } from './thread-cpu';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8' },
    templates: { type: 'string', default: '64' },
    'raw-rows': { type: 'string', default: '200000' },
    'raw-batch': { type: 'string', default: '10000' },
    rate: { type: 'string' },
    only: { type: 'string' },
    curve: { type: 'string' },
  },
});
const SPANS_PER_BATCH = 100;
const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;
const n = (x: number) => Math.round(x).toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** Runs the load process; `onMeasure` fires when its warm-up ends and the measured window starts. */
function runLoad(job: LoadJob, onMeasure: () => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@ai-arm/source', '--import', 'tsx', join(__dirname, 'ingest-load.ts'), JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let result: LoadResult | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'measure') onMeasure();
      else if (line.startsWith('{')) result = JSON.parse(line) as LoadResult;
    });
    child.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`load process exited ${code}`))));
  });
}

interface Phase {
  load: LoadResult;
  cpu: NodeJS.CpuUsage;
  threads: ReturnType<typeof threadCpuSince>;
  loopDelay: { p50: number; p99: number; max: number };
  rss: { idle: number; peak: number; end: number };
  drainSeconds: number;
  drained: boolean;
  stored: number;
}

/**
 * One collector on fresh embedded stores under one load; `beforeClose` reads what it needs of
 * the stores (the raw insert's sample) before they close.
 */
async function phase(job: Omit<LoadJob, 'url' | 'key'>, beforeClose?: (stores: Stores) => Promise<void>): Promise<Phase> {
  const dir = mkdtempSync(join(tmpdir(), 'ai-arm-bench-ingest-'));
  try {
    // The load is one key's, under the telemetry limit's default (ARM_INGEST_RATE_LIMIT_PER_MINUTE, 1,000 requests a second).
    const config = loadConfig({ ARM_DATA_DIR: dir, ARM_PORT: '0', ARM_LOG_LEVEL: 'warn', ARM_OTLP_GRPC_PORT: '0' });
    const sink = new PrometheusSink({ processMetrics: false });
    const metrics = new Instruments(sink);
    const logger = createLogger('warn');
    const stores = await openStores(config, metrics, logger);
    const org = await ensureDefaultOrganization(stores.controlPlane);
    const { key } = await asTenant(org, () => new ApiKeyStore(stores.controlPlane).create(org, 'bench:ingest', 'ingest', null));
    const app = await buildApp({ config, stores, sink, logger, metrics });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

    global.gc?.();
    const idle = process.memoryUsage().rss;
    let peak = idle;
    let cpu: NodeJS.CpuUsage | undefined;
    let threads: ThreadCpu | undefined;
    let sampler: NodeJS.Timeout | undefined;
    // How long the collector's event loop was held at a time: a blocked loop delays every request.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    const load = await runLoad({ ...job, url, key }, () => {
      cpu = process.cpuUsage();
      threads = threadCpu();
      loopDelay.enable();
      sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    });
    const used = process.cpuUsage(cpu);
    const split = threadCpuSince(threads ?? new Map());
    clearInterval(sampler);
    loopDelay.disable();
    const endRss = process.memoryUsage().rss;

    // Accepted means safe in the spool; its drainer stores the backlog in ClickHouse while the app
    // runs. Wait for it (until the count stops moving for 30 s), then close, which flushes the rest.
    const count = async () => {
      const [row] = await asSystem('bench: stored count', () => stores.telemetry.query<{ n: string | number }>('SELECT count() AS n FROM {db:Identifier}.interactions FINAL WHERE organization_id = {org:UUID}', { org }));
      return Number(row!.n);
    };
    const loadEnded = performance.now();
    let stored = await count();
    for (let last = stored, since = performance.now(); stored < load.totalAccepted && performance.now() - since < 30_000; ) {
      await new Promise((r) => setTimeout(r, 500));
      stored = await count();
      if (stored !== last) [last, since] = [stored, performance.now()];
    }
    const drainSeconds = (performance.now() - loadEnded) / 1000;
    const drained = stored >= load.totalAccepted;
    await app.close();
    await stores.writer.flush();
    stored = await count();
    await beforeClose?.(stores);
    await stores.close();
    const ms = (ns: number) => ns / 1e6;
    return { load, cpu: used, threads: split, loopDelay: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) }, rss: { idle, peak, end: endRss }, drainSeconds, drained, stored };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The stored rows, read back into a JSON-lines file: the raw insert's sample. */
async function writeSample(stores: Stores, file: string, rows: number): Promise<void> {
  writeFileSync(file, '');
  for (let sampled = 0; sampled < rows; ) {
    const page = await asSystem('bench: raw-insert sample', () => stores.telemetry.query<Record<string, unknown>>('SELECT * FROM {db:Identifier}.interactions FINAL LIMIT {n:UInt32} OFFSET {o:UInt64}', { n: Math.min(20_000, rows - sampled), o: sampled }));
    if (page.length === 0) break;
    appendFileSync(file, `${page.map((r) => JSON.stringify(r)).join('\n')}\n`);
    sampled += page.length;
  }
}

/** The baseline: the sample inserted by the telemetry store's insert into fresh stores in a process of their own, in large batches; three runs, the median. */
function rawInsert(file: string, batch: number): { rows: number; rates: number[]; median: number } {
  const runs = [0, 1, 2].map(
    () =>
      JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--conditions=@ai-arm/source', '--import', 'tsx', join(__dirname, 'raw-insert.ts'), file, String(batch), 'interactions'], { encoding: 'utf8', maxBuffer: 1 << 20 })) as {
        rows: number;
        rowsPerSecond: number;
      },
  );
  const rates = runs.map((r) => r.rowsPerSecond);
  return { rows: runs[0]!.rows, rates, median: [...rates].sort((a, b) => a - b)[1]! };
}

/** A share of a phase's measured seconds, as a percentage. */
const timeShare = (p: Phase, seconds: number) => `${Math.round((100 * seconds) / p.load.seconds)}%`;

/** Whether the store holds exactly the spans accepted (FINAL); a mismatch makes the bench exit 1. */
function storedAll(p: Phase): boolean {
  const same = p.stored === p.load.totalAccepted;
  if (!same) process.exitCode = 1;
  return same;
}

/** An open loop's verdict: it took its rate (within 2%), and with p99 under 50 ms. */
function pacedVerdict(p: Phase, target: number): { kept: boolean; met: boolean } {
  const kept = p.load.acceptedSpans / p.load.seconds >= target * 0.98;
  return { kept, met: kept && p.load.p99 < 50 };
}

function printLoad(p: Phase): void {
  const { load } = p;
  const rate = load.acceptedSpans / load.seconds;
  const cpuSeconds = (p.cpu.user + p.cpu.system) / 1e6;
  const perSpan = (s: number) => ((s * 1e6) / Math.max(1, load.acceptedSpans)).toFixed(0);
  console.log(`  requests:                ${n(load.requests)} in ${load.seconds.toFixed(1)} s (${load.errors} not 200; statuses over the whole run ${JSON.stringify(load.statuses)}; ${n(load.bytesPerRequest)} bytes each)`);
  console.log(`  accepted spans/s:        ${n(rate)}  (${n(load.rejectedSpans)} rejected)`);
  console.log(`  request latency:         p50 ${load.p50.toFixed(1)} ms, p90 ${load.p90.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms, max ${load.max.toFixed(1)} ms`);
  console.log(`  collector CPU:           ${cpuSeconds.toFixed(1)} s in ${load.seconds.toFixed(1)} s = ${(cpuSeconds / load.seconds).toFixed(2)} cores (user ${(p.cpu.user / 1e6).toFixed(1)} s, system ${(p.cpu.system / 1e6).toFixed(1)} s; chdb's threads included; ${perSpan(cpuSeconds)} µs a span, where 100,000 spans/s on 2 cores allows 20)`);
  const engineTop = [...p.threads.byName].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([name, s]) => `${name} ${perSpan(s)}`).join(', ');
  console.log(`  collector CPU by thread: main ${perSpan(p.threads.main)} µs a span, Node's other threads (GC helpers, libuv) ${perSpan(p.threads.node)}, chdb's ${perSpan(p.threads.engine)} (${engineTop || 'none'})`);
  console.log(`  collector main thread:   ran ${timeShare(p, p.threads.main)} of the time, waited for a core ${timeShare(p, p.threads.mainWaited)} (runnable, not running: the cores were taken by other threads or processes)`);
  console.log(`  load process CPU:        ${load.cpuSeconds.toFixed(1)} s = ${(load.cpuSeconds / load.seconds).toFixed(2)} cores, on the same cores as the collector`);
  console.log(`  collector event loop:    delay p50 ${p.loopDelay.p50.toFixed(1)} ms, p99 ${p.loopDelay.p99.toFixed(1)} ms, max ${p.loopDelay.max.toFixed(1)} ms`);
  console.log(`  collector RSS:           idle ${mb(p.rss.idle)}, peak ${mb(p.rss.peak)}, at the end ${mb(p.rss.end)}`);
  console.log(
    p.drained
      ? `  backlog stored:          every accepted span was in ClickHouse ${p.drainSeconds.toFixed(1)} s after the load ended (the spool held the rest meanwhile)`
      : `  backlog stored:          NOT all in ClickHouse ${p.drainSeconds.toFixed(1)} s after the load ended (the count had stopped moving); closing the app flushed what it could`,
  );
  const same = storedAll(p);
  console.log(`  stored vs accepted:      ${n(p.stored)} stored (FINAL) of ${n(load.totalAccepted)} accepted over the whole run, warm-up included: ${same ? 'equal (nothing lost, nothing doubled)' : `MISMATCH by ${n(p.stored - load.totalAccepted)}`}`);
}

async function main() {
  const seconds = Number(values.seconds);
  const warmup = Number(values.warmup);
  const connections = Number(values.connections);
  const rawRows = Number(values['raw-rows']);
  const rawBatch = Number(values['raw-batch']);
  const base = { connections, warmupSeconds: warmup, seconds, spansPerBatch: SPANS_PER_BATCH, templates: Number(values.templates) };
  const sampleDir = mkdtempSync(join(tmpdir(), 'ai-arm-bench-raw-'));
  const sampleFile = join(sampleDir, 'sample.jsonl');
  try {
    console.log(`bench:ingest: OTLP/HTTP protobuf, ${SPANS_PER_BATCH} GenAI spans per request from a separate load process on loopback; ${warmup} s warm-up, then ${seconds} s measured (${availableParallelism()} CPUs)`);
    if (values.only === '3') {
      if (!values.rate) throw new Error('--only 3 needs --rate (spans a second)');
      await paced(base, Number(values.rate));
      return await curve(base, Number(values.rate), '--rate');
    }
    console.log(`\n1. throughput: ${connections} connections in a closed loop (each sends again when answered)`);
    const saturated = await phase(base, (stores) => writeSample(stores, sampleFile, rawRows));
    // Other processes on the machine take the same cores: the figures mean little under a load above the core count.
    console.log(`  (load average over the last minute: ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs)`);
    printLoad(saturated);
    if (values.only === '1') return;

    const raw = rawInsert(sampleFile, rawBatch);
    const rate = saturated.load.acceptedSpans / saturated.load.seconds;
    console.log(`\n2. baseline`);
    console.log(`  raw insert, same rows:   ${n(raw.median)} rows/s (median of ${raw.rates.map(n).join(', ')}; ${n(raw.rows)} stored rows, batches of ${n(rawBatch)}, same engine, fresh processes)`);
    console.log(`  ratio accepted/raw:      ${(rate / raw.median).toFixed(2)}  (target >= 0.5: ${verdict(rate / raw.median >= 0.5)}); aim 100,000 spans/s on 2 cores: ${verdict(rate >= 100_000)}`);

    await paced(base, values.rate ? Number(values.rate) : Math.round(raw.median / 2));
    await curve(base, raw.median, 'the raw rate');
  } finally {
    rmSync(sampleDir, { recursive: true, force: true });
  }
}

/** Step 3: the open loop at `target` spans a second. */
async function paced(base: Omit<LoadJob, 'url' | 'key'>, target: number): Promise<void> {
  console.log(`\n3. latency at ${n(target)} spans/s (${values.rate ? '--rate' : "the issue's throughput target, 0.5x the raw rate"}): an open loop on a fresh collector, a request due every ${((SPANS_PER_BATCH / target) * 1000).toFixed(1)} ms`);
  const result = await phase({ ...base, rate: target });
  console.log(`  (load average over the last minute: ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs)`);
  printLoad(result);
  const { kept, met } = pacedVerdict(result, target);
  console.log(`  target p99 < 50 ms per ${SPANS_PER_BATCH}-span request at the target rate: ${verdict(met)}${kept ? '' : ' (the collector did not keep up with the rate)'}`);
}

/** Step 4 (--curve): p99 at fractions of `of` spans a second, a fresh collector each. */
async function curve(base: Omit<LoadJob, 'url' | 'key'>, of: number, what: string): Promise<void> {
  if (!values.curve) return;
  const fractions = values.curve.split(',').map(Number);
  if (fractions.some((f) => !(f > 0))) throw new Error(`--curve takes fractions above 0, comma-separated (got ${values.curve})`);
  console.log(`\n4. latency by rate (fractions of ${what}, ${n(of)} spans/s): an open loop each, on a fresh collector`);
  for (const f of fractions) {
    const target = Math.round(of * f);
    const r = await phase({ ...base, rate: target });
    const { met } = pacedVerdict(r, target);
    console.log(
      `  ${f.toFixed(2)}x = ${n(target).padStart(6)} spans/s: took ${n(r.load.acceptedSpans / r.load.seconds).padStart(6)}, p50 ${r.load.p50.toFixed(1)} ms, p99 ${r.load.p99.toFixed(1)} ms (${met ? 'under' : 'NOT under'} 50 ms), main thread ran ${timeShare(r, r.threads.main)} and waited ${timeShare(r, r.threads.mainWaited)}; load average ${loadavg()[0]!.toFixed(1)}${storedAll(r) ? '' : ' STORED != ACCEPTED'}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(`bench:ingest failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
