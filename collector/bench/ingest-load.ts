/**
 * The load side of bench:ingest, in its own process: OTLP/HTTP protobuf export requests of
 * `spansPerBatch` GenAI spans each, for a warm-up and then the measured seconds, either from
 * `connections` clients in a closed loop (each sends its next request when the previous one
 * answered: as fast as the collector takes them), or, with `rate`, in an open loop: a request
 * starts every spansPerBatch/rate seconds whatever the answers do, and its latency counts from
 * when it was due, so a collector that falls behind shows it (no coordinated omission).
 *   argv: <json LoadJob>
 * The batches are built once with the OpenTelemetry SDK from the simulator's agent traffic and
 * encoded with the SDK's own protobuf serializer; each request is a copy of one with fresh span
 * ids written into it, so every span sent is a new interaction (nothing for the store to merge).
 * Prints `measure` when the warm-up ends, then one JSON line of results.
 */
import { Agent, request } from 'node:http';
import { genaiBatches } from './genai-batches';

export interface LoadJob {
  url: string;
  key: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  spansPerBatch: number;
  /** Distinct batches encoded up front (agents, models, sizes differ between them). */
  templates: number;
  /** Spans a second in an open loop; absent: `connections` clients in a closed loop. */
  rate?: number;
}
export interface LoadResult {
  /** Measured window only. */
  requests: number;
  errors: number;
  acceptedSpans: number;
  rejectedSpans: number;
  seconds: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Whole run, warm-up included: what the store must hold. */
  totalAccepted: number;
  totalSent: number;
  statuses: Record<string, number>;
  bytesPerRequest: number;
  /** The load process's own CPU in the measured window (it shares the machine's cores with the collector). */
  cpuSeconds: number;
}



/** rejected_spans of ExportTraceServiceResponse.partial_success (field 1, then its field 1); 0 when absent. */
function rejectedSpans(body: Buffer): number {
  let i = 0;
  const varint = () => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = body[i++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  while (i < body.length) {
    const tag = varint();
    if (tag >> 3 === 1 && (tag & 7) === 2) {
      const end = varint() + i;
      while (i < end) {
        const inner = varint();
        if (inner >> 3 === 1 && (inner & 7) === 0) return varint();
        if ((inner & 7) === 0) varint();
        else if ((inner & 7) === 2) i += varint();
        else return 0;
      }
      return 0;
    }
    if ((tag & 7) === 0) varint();
    else if ((tag & 7) === 2) i += varint();
    else return 0;
  }
  return 0;
}

/** Sockets an open loop may open at once: far above what a collector keeping up needs (a few). */
const OPEN_LOOP_SOCKETS = 64;

async function main() {
  const job = JSON.parse(process.argv[2]!) as LoadJob;
  const templates = genaiBatches(job.templates, job.spansPerBatch);
  // An open loop may need more sockets than its usual concurrency when the collector falls behind.
  const agent = new Agent({ keepAlive: true, maxSockets: job.rate ? OPEN_LOOP_SOCKETS : job.connections });
  const target = new URL('/v1/traces', job.url);
  // Span ids from a counter: unique across the run, never zero (an invalid id).
  let nextSpanId = 1n;
  let sequence = 0;
  const body = () => {
    const t = templates[sequence++ % templates.length]!;
    const copy = Buffer.from(t.bytes);
    for (const at of t.spanIdAt) copy.writeBigUInt64BE(nextSpanId++, at);
    return copy;
  };
  const send = (payload: Buffer) =>
    new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': payload.length, authorization: `Bearer ${job.key}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(payload);
    });

  const statuses: Record<string, number> = {};
  let totalAccepted = 0;
  let totalSent = 0;
  let measuring = false;
  const m = { requests: 0, errors: 0, accepted: 0, rejected: 0, latencies: [] as number[] };
  const one = async (due = performance.now()) => {
    const payload = body();
    const started = due;
    let accepted = 0;
    let rejected = 0;
    let status = 0;
    try {
      const res = await send(payload);
      status = res.status;
      if (status === 200) {
        rejected = rejectedSpans(res.body);
        accepted = job.spansPerBatch - rejected;
      } else rejected = job.spansPerBatch;
    } catch {
      rejected = job.spansPerBatch;
    }
    const ms = performance.now() - started;
    statuses[status] = (statuses[status] ?? 0) + 1;
    totalSent += job.spansPerBatch;
    totalAccepted += accepted;
    if (!measuring) return;
    m.requests++;
    if (status !== 200) m.errors++;
    m.accepted += accepted;
    m.rejected += rejected;
    m.latencies.push(ms);
  };
  const closedLoop = async (seconds: number) => {
    const end = performance.now() + seconds * 1000;
    await Promise.all(Array.from({ length: job.connections }, async () => {
      while (performance.now() < end) await one();
    }));
  };
  const openLoop = async (seconds: number, rate: number) => {
    const every = (job.spansPerBatch / rate) * 1000;
    const start = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let k = 0; start + k * every < start + seconds * 1000; k++) {
      const due = start + k * every;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(one(due));
    }
    await Promise.all(inFlight);
  };
  const run = (seconds: number) => (job.rate ? openLoop(seconds, job.rate) : closedLoop(seconds));
  await run(job.warmupSeconds);
  measuring = true;
  process.stdout.write('measure\n');
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run(job.seconds);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  const lat = m.latencies.sort((a, b) => a - b);
  const at = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] ?? NaN;
  const result: LoadResult = {
    requests: m.requests, errors: m.errors, acceptedSpans: m.accepted, rejectedSpans: m.rejected, seconds,
    p50: at(0.5), p90: at(0.9), p99: at(0.99), max: lat.at(-1) ?? NaN,
    totalAccepted, totalSent, statuses,
    bytesPerRequest: Math.round(templates.reduce((n, t) => n + t.bytes.length, 0) / templates.length),
    cpuSeconds: (used.user + used.system) / 1e6,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
