/**
 * A small protobuf writer for test payloads (ExportTraceServiceRequest with the fields the
 * receiver reads), so bad-input and bench-like tests can shape bytes the official exporters
 * never would. The official exporters' own bytes are tested in exporters.test.ts.
 */
const varint = (n: number | bigint): number[] => {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n; // int64 on the wire: two's complement, ten bytes
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
};
const len = (field: number, bytes: Buffer): Buffer => Buffer.concat([Buffer.from([...varint((field << 3) | 2), ...varint(bytes.length)]), bytes]);
const str = (field: number, s: string) => len(field, Buffer.from(s, 'utf8'));
const fixed64 = (field: number, n: bigint) => {
  const b = Buffer.alloc(9);
  b[0] = (field << 3) | 1;
  b.writeBigUInt64LE(n, 1);
  return b;
};

export type TestAttr = string | number | boolean;

function anyValue(v: TestAttr): Buffer {
  if (typeof v === 'string') return str(1, v);
  if (typeof v === 'boolean') return Buffer.from([(2 << 3) | 0, v ? 1 : 0]);
  if (Number.isInteger(v)) return Buffer.from([(3 << 3) | 0, ...varint(v)]);
  const b = Buffer.alloc(9);
  b[0] = (4 << 3) | 1;
  b.writeDoubleLE(v, 1);
  return b;
}

const keyValue = (field: number, k: string, v: TestAttr) => len(field, Buffer.concat([str(1, k), len(2, anyValue(v))]));

export interface TestSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  startMs?: number;
  durationMs?: number;
  attributes: Record<string, TestAttr>;
  status?: 0 | 1 | 2;
}

let counter = 0;
export const newTraceId = () => (Date.now().toString(16) + (++counter).toString(16)).padStart(32, 'a').slice(-32);
export const newSpanId = () => (++counter).toString(16).padStart(16, 'b');

export function encodeSpan(s: TestSpan): Buffer {
  const start = BigInt(Math.round((s.startMs ?? Date.now() - 1000) * 1000)) * 1000n;
  const end = start + BigInt(Math.round((s.durationMs ?? 500) * 1e6));
  const parts = [
    len(1, Buffer.from(s.traceId ?? newTraceId(), 'hex')),
    len(2, Buffer.from(s.spanId ?? newSpanId(), 'hex')),
    ...(s.parentSpanId ? [len(4, Buffer.from(s.parentSpanId, 'hex'))] : []),
    str(5, s.name ?? 'chat'),
    fixed64(7, start),
    fixed64(8, end),
    ...Object.entries(s.attributes).map(([k, v]) => keyValue(9, k, v)),
    ...(s.status ? [len(15, Buffer.from([(3 << 3) | 0, s.status]))] : []),
  ];
  return Buffer.concat(parts);
}

/** ExportTraceServiceRequest: one resource (service.name), one scope, these spans. */
export function encodeTraces(spans: TestSpan[], serviceName = 'test-app', scopeName = 'test-scope'): Buffer {
  const resource = len(1, keyValue(1, 'service.name', serviceName));
  const scope = len(1, str(1, scopeName));
  const scopeSpans = len(2, Buffer.concat([scope, ...spans.map((s) => len(2, encodeSpan(s)))]));
  return len(1, Buffer.concat([resource, scopeSpans]));
}

/** A GenAI chat span's attributes, with overrides. */
export const chatAttrs = (over: Record<string, TestAttr> = {}): Record<string, TestAttr> => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.usage.input_tokens': 100,
  'gen_ai.usage.output_tokens': 20,
  ...over,
});
