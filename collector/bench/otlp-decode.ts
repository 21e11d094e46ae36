/**
 * The receive path alone: OTLP protobuf export requests of 100 GenAI spans (built as
 * bench:ingest's load builds them: the simulator's agent traffic through the OpenTelemetry SDK
 * and its protobuf serializer) decoded and mapped to interactions in a loop. Prints the CPU
 * microseconds per span for decoding, for mapping, and for both, as JSON.
 *   `npm run bench:otlp-decode [SECONDS]`
 */
import { decodeTraceRequest } from '../src/otlp/protobuf';
import { genaiBatches } from './genai-batches';
import { mapTraceRequest } from '../src/otlp/genai-map';

const SPANS = 100;
const TEMPLATES = 20;


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
  const bodies = genaiBatches(TEMPLATES, SPANS).map((b) => b.bytes);
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
