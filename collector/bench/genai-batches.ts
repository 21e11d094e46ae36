/**
 * OTLP export requests of the simulator's agent traffic, encoded as an instrumented service's SDK
 * exports them (the OpenTelemetry SDK and its protobuf serializer): what bench:ingest's load
 * sends, and what bench:otlp-decode and bench:pipeline decode.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { spanAttributes } from '../src/simulator/agent-push';
import { AgentTraffic, demoAgents, seededRng } from '../src/simulator/agent-traffic';
import { createState } from '../src/simulator/state';

export interface EncodedBatch {
  bytes: Buffer;
  /** Where each span's 8-byte span id sits in `bytes`, so a sender can make every span new. */
  spanIdAt: number[];
}

/** `count` distinct batches of `spansPerBatch` GenAI spans of 50 simulated agents. */
export function genaiBatches(count: number, spansPerBatch: number): EncodedBatch[] {
  const state = createState({ agents: 50, seed: 'bench-ingest' });
  const traffic = new AgentTraffic(demoAgents(state.world), seededRng('bench-ingest'));
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'bench-ingest' }), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('bench-ingest');
  const now = Date.now();
  const out: EncodedBatch[] = [];
  for (let t = 0; t < count; t++) {
    exporter.reset();
    for (let i = 0; i < spansPerBatch; i++) {
      const req = traffic.next(now - (t * spansPerBatch + i) * 7)!;
      const span = tracer.startSpan(`chat ${req.agent.requestModel}`, { kind: SpanKind.CLIENT, startTime: new Date(req.startMs), attributes: spanAttributes(req) }, ROOT_CONTEXT);
      if (req.status === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(new Date(req.startMs + req.durationMs));
    }
    const spans = [...exporter.getFinishedSpans()];
    const bytes = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
    const spanIdAt = spans.map((s) => {
      const id = Buffer.from(s.spanContext().spanId, 'hex');
      // Span.span_id is field 2, length-delimited, 8 bytes: 0x12 0x08 then the id.
      for (let at = bytes.indexOf(id); at >= 0; at = bytes.indexOf(id, at + 1)) if (bytes[at - 2] === 0x12 && bytes[at - 1] === 0x08) return at;
      throw new Error(`span id ${s.spanContext().spanId} not found in the encoded batch`);
    });
    out.push({ bytes, spanIdAt });
  }
  return out;
}
