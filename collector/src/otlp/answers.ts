/**
 * The protobuf messages the OTLP receivers answer with (the requests are read in protobuf.ts):
 * Export{Trace,Logs}ServiceResponse and google.rpc.Status, written by hand like the reader.
 */

function varintBytes(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

const lengthDelimited = (field: number, bytes: Buffer): Buffer => Buffer.concat([Buffer.from([(field << 3) | 2, ...varintBytes(bytes.length)]), bytes]);

/**
 * Export{Trace,Logs}ServiceResponse: empty on full success; else partial_success (field 1) with
 * the rejected count (field 1, int64) and the reason (field 2). Both responses share the layout.
 */
export function encodeExportResponse(rejected: number, message: string): Buffer {
  if (rejected === 0 && message === '') return Buffer.alloc(0);
  const parts: Buffer[] = [];
  if (rejected > 0) parts.push(Buffer.from([(1 << 3) | 0, ...varintBytes(rejected)]));
  if (message) parts.push(lengthDelimited(2, Buffer.from(message, 'utf8')));
  return lengthDelimited(1, Buffer.concat(parts));
}

/**
 * google.rpc.Status {code = 1, message = 2, details = 3 (Any)}: what OTLP/HTTP failures carry
 * in protobuf, and gRPC's grpc-status-details-bin. `retryAfterSeconds` adds a
 * google.rpc.RetryInfo detail (retry_delay, a Duration, at field 1).
 */
export function encodeRpcStatus(code: number, message: string, retryAfterSeconds?: number): Buffer {
  const parts: Buffer[] = [];
  if (code) parts.push(Buffer.from([(1 << 3) | 0, ...varintBytes(code)]));
  parts.push(lengthDelimited(2, Buffer.from(message, 'utf8')));
  if (retryAfterSeconds !== undefined) {
    const duration = Buffer.from([(1 << 3) | 0, ...varintBytes(Math.max(0, Math.round(retryAfterSeconds)))]);
    const retryInfo = lengthDelimited(1, duration);
    const any = Buffer.concat([lengthDelimited(1, Buffer.from('type.googleapis.com/google.rpc.RetryInfo')), lengthDelimited(2, retryInfo)]);
    parts.push(lengthDelimited(3, any));
  }
  return Buffer.concat(parts);
}
