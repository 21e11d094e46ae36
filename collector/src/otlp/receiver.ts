import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { ApiError } from '../errors';
import type { InteractionSink } from '../interactions/interaction';
import { mapLogsRequest, mapTraceRequest, type MappedBatch } from './genai-map';
import { decodeLogsJson, decodeTraceJson } from './json';
import { OtlpDecodeError } from './model';
import { decodeLogsRequest, decodeTraceRequest } from './protobuf';

/**
 * What both OTLP transports (HTTP in routes/otlp.ts, gRPC in otlp/grpc-server.ts) do with a
 * request once its caller is known: decode, map the GenAI spans or events, hand them to the sink,
 * and say how many were refused and why (OTLP's partial_success).
 */
export type OtlpSignal = 'traces' | 'logs';
export type OtlpEncoding = 'protobuf' | 'json';

export interface ExportOutcome {
  /** Spans or log records refused (OTLP's rejected_spans / rejected_log_records). */
  rejected: number;
  /** Why, in English, for partial_success.error_message ('' when none were). */
  message: string;
  /** Interactions handed to the pipeline and accepted. */
  accepted: number;
}

const gunzipAsync = promisify(gunzip);

/** A gzip body inflated to at most `maxBytes`: over it is 413, as the OTLP spec asks (a bomb never fills memory). */
export async function inflate(body: Buffer, maxBytes: number): Promise<Buffer> {
  try {
    return await gunzipAsync(body, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw new ApiError('PAYLOAD_TOO_LARGE', `the body is over ${maxBytes} bytes once decompressed (ARM_INGEST_MAX_BODY_BYTES)`, { maxBytes });
    throw new ApiError('VALIDATION_ERROR', `the gzip body cannot be decompressed: ${(err as Error).message}`);
  }
}

/** Decodes and maps; a body that cannot be read throws ApiError VALIDATION_ERROR with the reason. */
export function decodeAndMap(signal: OtlpSignal, encoding: OtlpEncoding, body: Buffer): MappedBatch {
  try {
    if (signal === 'traces') return mapTraceRequest(encoding === 'protobuf' ? decodeTraceRequest(body) : decodeTraceJson(body));
    return mapLogsRequest(encoding === 'protobuf' ? decodeLogsRequest(body) : decodeLogsJson(body));
  } catch (err) {
    if (err instanceof OtlpDecodeError) throw new ApiError('VALIDATION_ERROR', err.message);
    throw err;
  }
}

const MAX_MESSAGE = 2048;

/**
 * The whole export: the sink's ApiError UNAVAILABLE (spool full, with retryAfterSeconds) passes
 * through for the transport to answer 503 / UNAVAILABLE with when to retry.
 */
export async function exportOtlp(sink: InteractionSink, organizationId: string, signal: OtlpSignal, encoding: OtlpEncoding, body: Buffer): Promise<ExportOutcome> {
  const mapped = decodeAndMap(signal, encoding, body);
  const reasons = [...mapped.rejected];
  let accepted = 0;
  if (mapped.items.length > 0) {
    const outcome = await sink.accept(organizationId, mapped.items);
    accepted = outcome.accepted;
    for (const r of outcome.rejected) reasons.push(`${r.id}: ${r.reason}`);
  }
  if (reasons.length === 0) return { rejected: 0, message: '', accepted };
  const what = signal === 'traces' ? 'span' : 'log record';
  let message = `${reasons.length} ${what}${reasons.length === 1 ? '' : 's'} refused: ${reasons.slice(0, 5).join('; ')}${reasons.length > 5 ? `; and ${reasons.length - 5} more` : ''}`;
  if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE - 1)}…`;
  return { rejected: reasons.length, message, accepted };
}
