/**
 * What the OTLP decoders (protobuf and JSON) hand the GenAI mapping: just the parts of the OTLP
 * trace and log messages it reads, in one shape whatever the encoding. Ids are lower-case hex,
 * times epoch milliseconds (fractions keep the microseconds), int64 values JS numbers (token
 * counts and times stay far below 2^53).
 */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attrs = Record<string, AttrValue>;

export interface OtlpEvent {
  name: string;
  timeMs: number;
  attributes: Attrs;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Attrs;
  events: OtlpEvent[];
  /** Span status: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
}

export interface OtlpLogRecord {
  timeMs: number;
  traceId: string;
  spanId: string;
  eventName: string;
  body: AttrValue;
  attributes: Attrs;
}

/** Items of one resource and instrumentation scope. */
export interface OtlpGroup<T> {
  resource: Attrs;
  scopeName: string;
  items: T[];
}

/** A body the decoders cannot read: the reason goes back to the client (400, INVALID_ARGUMENT). */
export class OtlpDecodeError extends Error {}

/** 64-bit nanoseconds as two 32-bit halves, to epoch milliseconds. */
export const nanosToMs = (lo: number, hi: number): number => (hi * 4294967296 + lo) / 1e6;

/**
 * The attribute keys the GenAI mapping reads (genai-map.ts); the decoders skip the values of all
 * others, so an HTTP or database span in the same export costs next to nothing.
 */
export function wantedKey(key: string): boolean {
  switch (key.charCodeAt(0)) {
    case 103: // g
      return key.startsWith('gen_ai.');
    case 108: // l
      return key.startsWith('llm.');
    case 116: // t
      return key.startsWith('traceloop.') || key === 'telemetry.sdk.name';
    case 101: // e
      return key === 'error.type' || key === 'event.name';
    case 115: // s
      return key === 'service.name';
    default:
      return false;
  }
}

/**
 * Keys whose values are new in every span (the messages themselves, ids of one request): the
 * protobuf reader decodes them without looking for them among the values it has seen.
 */
export function uniqueValueKey(key: string): boolean {
  switch (key) {
    case 'gen_ai.input.messages':
    case 'gen_ai.output.messages':
    case 'gen_ai.prompt':
    case 'gen_ai.completion':
    case 'gen_ai.conversation.id':
    case 'gen_ai.response.id':
      return true;
    default:
      // OpenLLMetry's gen_ai.prompt.<n>.content and gen_ai.completion.<n>.content
      return key.endsWith('.content') && (key.startsWith('gen_ai.prompt.') || key.startsWith('gen_ai.completion.'));
  }
}
