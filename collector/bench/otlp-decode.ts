/**
 * The receive path alone: OTLP protobuf export requests of 100 GenAI spans (built as
 * bench:ingest's load builds them: the simulator's agent traffic through the OpenTelemetry SDK
 * and its protobuf serializer) decoded and mapped to interactions in a loop. Prints the CPU
 * microseconds per span for decoding, for mapping, and for both, as JSON.
 *   `npm run bench:otlp-decode [SECONDS]`
 */
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SpanKind, SpanStatusCode, ROOT_CONTEXT } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { spanAttributes } from '../src/simulator/agent-push';
import { AgentTraffic, demoAgents, seededRng } from '../src/simulator/agent-traffic';
import { createState } from '../src/simulator/state';
import { decodeTraceRequest } from '../src/otlp/protobuf';
import { mapTraceRequest } from '../src/otlp/genai-map';

const SPANS = 100;
const TEMPLATES = 20;

function batches(): Buffer[] {
  const state = createState({ agents: 50, seed: 'bench-ingest' });
  const traffic = new AgentTraffic(demoAgents(state.world), seededRng('bench-ingest'));
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'bench-ingest' }), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('bench-ingest');
  const now = Date.now();
  const out: Buffer[] = [];
  for (let t = 0; t < TEMPLATES; t++) {
    exporter.reset();
    for (let i = 0; i < SPANS; i++) {
      const req = traffic.next(now - (t * SPANS + i) * 7)!;
      const span = tracer.startSpan(`chat ${req.agent.requestModel}`, { kind: SpanKind.CLIENT, startTime: new Date(req.startMs), attributes: spanAttributes(req) }, ROOT_CONTEXT);
      if (req.status === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(new Date(req.startMs + req.durationMs));
    }
    out.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!));
  }
  return out;
}

/** CPU time, not wall time: the figure holds on a machine busy with other work (GC threads count too). */
function perSpan(seconds: number, work: (i: number) => void): number {
  let n = 0;
  const until = performance.now() + seconds * 1000;
  const t = process.cpuUsage();
  while (performance.now() < until) for (let k = 0; k < 50; k++) work(n++);
  const used = process.cpuUsage(t);
  return +((used.user + used.system) / (n * SPANS)).toFixed(2);
}

function main() {
  const seconds = Number(process.argv[2] ?? 3);
  const bodies = batches();
  const decoded = bodies.map(decodeTraceRequest);
  let items = 0;
  const check = mapTraceRequest(decoded[0]!);
  if (check.items.length !== SPANS) throw new Error(`mapped ${check.items.length} of ${SPANS} spans: ${check.rejected.join('; ')}`);
  perSpan(1, (i) => (items += mapTraceRequest(decodeTraceRequest(bodies[i % TEMPLATES]!)).items.length)); // warm-up
  const decode = perSpan(seconds, (i) => (items += decodeTraceRequest(bodies[i % TEMPLATES]!).length));
  const map = perSpan(seconds, (i) => (items += mapTraceRequest(decoded[i % TEMPLATES]!).items.length));
  const both = perSpan(seconds, (i) => (items += mapTraceRequest(decodeTraceRequest(bodies[i % TEMPLATES]!)).items.length));
  console.log(JSON.stringify({ bytesPerBatch: Math.round(bodies.reduce((n, b) => n + b.length, 0) / TEMPLATES), decodeMicrosPerSpan: decode, mapMicrosPerSpan: map, decodeAndMapMicrosPerSpan: both, items: items > 0 }));
}

main();
