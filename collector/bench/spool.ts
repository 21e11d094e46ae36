/**
 * The write path of pushed telemetry alone: 100-row appends to the spool (group commit, fdatasync)
 * drained through the batch writer into embedded chdb. Prints the CPU per row
 * (user+system of the whole process, the engine's threads included), the wall rate and the
 * event loop's worst stall, as JSON; the main thread's busy time per row (event-loop utilisation) is
 * what the receivers share with it. `npm run bench:spool [ROWS]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { BatchWriter } from '../src/stores/clickhouse/batch-writer';
import { openTelemetryDb } from '../src/stores/clickhouse/client';
import { migrateClickHouse } from '../src/stores/clickhouse/migrate';
import { openSpool } from '../src/stores/clickhouse/spool';
import { asSystem } from '../src/stores/tenant-scope';
import { createLogger } from '../src/logger';
import { Instruments } from '../src/metrics/instruments.generated';
import { PrometheusSink } from '../src/metrics/prometheus-sink';

const ORG = '11111111-1111-4111-8111-111111111111';
const AGENT = '22222222-2222-4222-8222-222222222222';
let seq = 0;
const row = () => {
  const n = ++seq;
  return {
    organization_id: ORG,
    agent_id: AGENT,
    id: `req-${String(n).padStart(8, '0')}`,
    source: 'otlp',
    started_at: new Date(Date.UTC(2026, 11, 1, 10) + n).toISOString(),
    duration_ms: 120.5,
    ttft_ms: null,
    provider: 'openai',
    operation: 'chat',
    request_model: 'gpt-4o',
    response_model: 'gpt-4o-2024-08-06',
    version_fingerprint: 'f'.repeat(64),
    input_tokens: 1000 + (n % 97),
    output_tokens: 20,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    cost_usd: '0.000450000000',
    error_type: '',
    conversation_id: `conv-${n % 50}`,
    trace_id: 'a'.repeat(32),
    span_id: 'b'.repeat(16),
    content: '',
    attributes: { 'telemetry.sdk.name': 'opentelemetry', 'gen_ai.system': 'openai', 'server.address': 'api.openai.com' },
    ingested_at: new Date().toISOString(),
  };
};

async function main() {
  const total = Number(process.argv[2] ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'ai-arm-spool-'));
  const db = await openTelemetryDb({ url: null, dataDir: join(dir, 'chdb'), database: 'bench' });
  await asSystem('bench', () => migrateClickHouse(db));
  const log = createLogger('warn');
  const metrics = new Instruments(new PrometheusSink({ processMetrics: false }));
  const writer = new BatchWriter(db, { batchSize: 5000, flushMs: 1000, maxRetries: 3 }, metrics, log);
  const spool = await asSystem('bench', () => openSpool({ dir: join(dir, 'spool'), table: 'interactions', maxBytes: 1 << 30, writer, log, metrics }));
  const batches = Array.from({ length: total / 100 }, () => Array.from({ length: 100 }, row));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const t = performance.now();
  // 32 senders in flight, as a loaded receiver would have.
  let next = 0;
  await asSystem('bench', () =>
    Promise.all(Array.from({ length: 32 }, async () => {
      while (next < batches.length) await spool.append(batches[next++]!);
    })),
  );
  while (spool.backlog().rows > 0) await new Promise((r) => setTimeout(r, 2));
  const wall = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const busy = performance.eventLoopUtilization(elu).active;
  delay.disable();
  await spool.close();
  await writer.close();
  const n = (await asSystem('bench', () => db.query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.interactions')))[0]!.n;
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ rows: total, stored: n, rowsPerSecond: Math.round(total / wall), mainThreadMicrosPerRow: +((busy * 1000) / total).toFixed(1), cpuMicrosPerRow: +((used.user + used.system) / total).toFixed(1), loopDelayMaxMs: +(delay.max / 1e6).toFixed(1), loopDelayP99Ms: +(delay.percentile(99) / 1e6).toFixed(1) }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
