/**
 * The interactions pipeline's per-item work alone (check, agent, version, price, row, metrics),
 * without HTTP, decoding or the spool: what bench:ingest's collector spends between the OTLP
 * mapping and the spool's append, per span.
 *   npm run bench:pipeline [-- --rounds 30 --batches 20 --warmup-items 210000 --capture]
 * The items are the simulator's agent traffic (50 agents, their instructions and tools) built as
 * bench:ingest builds them: spans of the OpenTelemetry SDK, encoded with its protobuf serializer,
 * then decoded and mapped by the collector's own receiver code, fresh strings every round (as
 * every request decodes its own). The pipeline runs on stand-ins that answer from memory: a
 * control plane that knows every agent and version, and a row store that only collects rows.
 * After a warm-up (210,000 items: past the 200,000 ids remembered for retries) every agent and
 * version is cached, as in a long-running collector's steady stream. Prints µs per
 * item (median and best round), GC time in the timed rounds and bytes allocated per item.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadPriceTable } from '@ai-arm/schemas';
import pino from 'pino';
import { PriceBook } from '../src/costs/price-book';
import type { InteractionInput } from '../src/interactions/interaction';
import { InteractionPipeline } from '../src/interactions/pipeline';
import { Instruments } from '../src/metrics/instruments.generated';
import { PrometheusSink } from '../src/metrics/prometheus-sink';
import { decodeAndMap } from '../src/otlp/receiver';
import { genaiBatches } from './genai-batches';
import type { ControlPlaneDb } from '../src/stores/postgres/types';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '30' },
    batches: { type: 'string', default: '20' },
    templates: { type: 'string', default: '64' },
    capture: { type: 'boolean', default: false },
    // Past the 200,000 ids the pipeline remembers for retries: a long-running collector's steady state.
    'warmup-items': { type: 'string', default: '210000' },
  },
});
const ROUNDS = Number(values.rounds);
const BATCHES = Number(values.batches);
const SPANS = 100;
const ORG = '00000000-0000-4000-8000-000000000001';



/** Answers the pipeline's few statements from memory: every agent exists, every version is new once. */
function memoryControlPlane(capture: boolean): ControlPlaneDb {
  const agents = new Map<string, string>();
  let version = 0;
  const query = async <R>(sql: string, params: unknown[] = []): Promise<R[]> => {
    if (sql.includes('content_capture')) return [{ content_capture: capture }] as R[];
    if (sql.includes('FROM agents')) {
      const key = String(params[1]);
      if (!agents.has(key)) agents.set(key, `00000000-0000-4000-8000-${String(agents.size + 2).padStart(12, '0')}`);
      return [{ id: agents.get(key)! }] as R[];
    }
    if (sql.includes('INSERT INTO agent_versions')) return [{ version: ++version }] as R[];
    return [];
  };
  return { engine: 'pglite', query, exec: async () => undefined, transaction: (fn) => fn({ query, exec: async () => undefined }), close: async () => undefined };
}

async function main() {
  const templates = genaiBatches(Number(values.templates), SPANS);
  const rows: Record<string, unknown>[][] = [];
  const book = new PriceBook(loadPriceTable());
  const pipeline = new InteractionPipeline({
    controlPlane: memoryControlPlane(values.capture),
    rows: { append: async (r) => void rows.push(r as Record<string, unknown>[]), close: async () => undefined },
    priceBook: async () => book,
    metrics: new Instruments(new PrometheusSink({ processMetrics: false })),
    log: pino({ level: 'silent' }),
  });
  let nextSpanId = 1n;
  let sequence = 0;
  const decodeRound = (): InteractionInput[][] => {
    const out: InteractionInput[][] = [];
    for (let b = 0; b < BATCHES; b++) {
      const t = templates[sequence++ % templates.length]!;
      const copy = Buffer.from(t.bytes);
      for (const at of t.spanIdAt) copy.writeBigUInt64BE(nextSpanId++, at);
      out.push(decodeAndMap('traces', 'protobuf', copy).items);
    }
    return out;
  };
  // Collections are reported late (a tick or more after they ran): each is placed by its start time.
  const windows: [number, number][] = [];
  const collections: { at: number; ms: number }[] = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) collections.push({ at: e.startTime, ms: e.duration });
  }).observe({ entryTypes: ['gc'] });

  // Warm-up: every template (agents and versions cached), the JIT settled, the remembered ids at their bound.
  const warmupRounds = Math.max(Math.ceil(templates.length / BATCHES) * 2, Math.ceil(Number(values['warmup-items']) / (BATCHES * SPANS)));
  for (let w = 0; w < warmupRounds; w++) for (const items of decodeRound()) await pipeline.accept(ORG, items);

  const perItem: number[] = [];
  // CPU time too: on a machine shared with other work, wall time includes waiting for a core.
  const cpuPerItem: number[] = [];
  const heap: [number, number][] = [];
  let items = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const round = decodeRound();
    rows.length = 0;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const from = performance.now();
    const cpuFrom = process.cpuUsage();
    const start = process.hrtime.bigint();
    let n = 0;
    for (const batch of round) {
      const outcome = await pipeline.accept(ORG, batch);
      if (outcome.rejected.length > 0) throw new Error(`refused: ${outcome.rejected[0]!.reason}`);
      n += outcome.accepted;
    }
    const ns = Number(process.hrtime.bigint() - start);
    const cpu = process.cpuUsage(cpuFrom);
    cpuPerItem.push((cpu.user + cpu.system) / n);
    windows.push([from, performance.now()]);
    heap.push([heapBefore, process.memoryUsage().heapUsed]);
    perItem.push(ns / 1000 / n);
    items += n;
  }
  await pipeline.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  let gcs = 0;
  let gcMs = 0;
  let allocated = 0;
  let allocationRounds = 0;
  windows.forEach(([from, to], r) => {
    const inside = collections.filter((c) => c.at >= from && c.at <= to);
    gcs += inside.length;
    gcMs += inside.reduce((s, c) => s + c.ms, 0);
    // A round without a collection allocated what the heap grew by (a collection frees some of it: not counted).
    if (inside.length === 0) {
      allocated += heap[r]![1] - heap[r]![0];
      allocationRounds++;
    }
  });
  perItem.sort((a, b) => a - b);
  cpuPerItem.sort((a, b) => a - b);
  const median = perItem[Math.floor(perItem.length / 2)]!;
  const f = (x: number) => x.toFixed(2);
  console.log(`bench:pipeline: ${items.toLocaleString('en-US')} items in ${ROUNDS} rounds of ${BATCHES} batches of ${SPANS} spans (simulator traffic, 50 agents), content capture ${values.capture ? 'on' : 'off'}`);
  console.log(`  per item:   median ${f(median)} µs, best round ${f(perItem[0]!)} µs, worst ${f(perItem[perItem.length - 1]!)} µs (wall time)`);
  console.log(`  CPU:        median ${f(cpuPerItem[Math.floor(cpuPerItem.length / 2)]!)} µs, best round ${f(cpuPerItem[0]!)} µs per item (this process, user + system)`);
  console.log(`  GC:         ${gcs} collections, ${f(gcMs)} ms in the timed rounds (${f((gcMs * 1000) / items)} µs per item)`);
  if (allocationRounds > 0) console.log(`  allocated:  ~${Math.round(allocated / allocationRounds / (BATCHES * SPANS))} bytes per item (rows kept included; ${allocationRounds} rounds without a collection)`);
  else console.log('  allocated:  every round collected garbage; run with --expose-gc and a larger young generation (--max-semi-space-size=64)');
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
