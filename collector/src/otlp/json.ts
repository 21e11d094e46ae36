import { OtlpDecodeError, wantedKey, type AttrValue, type Attrs, type OtlpEvent, type OtlpGroup, type OtlpLogRecord, type OtlpSpan } from './model';

/**
 * OTLP/JSON (the proto3 JSON mapping with OTLP's deviations: hex trace and span ids, enums as
 * integers, lowerCamelCase keys, int64 as a decimal string or a number) read into the same shape
 * as the protobuf reader. Unknown fields are ignored, as the spec asks; a known field of the
 * wrong type refuses the body with its path.
 */
type Obj = Record<string, unknown>;

const bad = (path: string, what: string): never => {
  throw new OtlpDecodeError(`JSON body cannot be read: ${path} ${what}`);
};

const obj = (v: unknown, path: string): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : bad(path, 'must be an object'));
const list = (v: unknown, path: string): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : bad(path, 'must be an array'));
const str = (v: unknown, path: string): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : bad(path, 'must be a string'));

function int64(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) return Number(v);
  return bad(path, 'must be an integer (a number or a decimal string)');
}

/** Nanoseconds (string or number) to epoch ms; from a string, without losing the microseconds. */
function nanosMs(v: unknown, path: string): number {
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return v.length > 6 ? Number(v.slice(0, -6)) + Number(v.slice(-6)) / 1e6 : Number(v) / 1e6;
  return int64(v, path) / 1e6;
}

function hexId(v: unknown, path: string): string {
  const s = str(v, path);
  if (s !== '' && !/^[0-9a-fA-F]*$/.test(s)) bad(path, 'must be hex');
  return s.toLowerCase();
}

function anyValue(v: unknown, path: string, depth: number): AttrValue {
  if (v === undefined || v === null) return null;
  if (depth > 32) bad(path, 'nests deeper than 32');
  const o = obj(v, path);
  if ('stringValue' in o) return str(o.stringValue, `${path}.stringValue`);
  if ('boolValue' in o) return typeof o.boolValue === 'boolean' ? o.boolValue : bad(`${path}.boolValue`, 'must be a boolean');
  if ('intValue' in o) return int64(o.intValue, `${path}.intValue`);
  if ('doubleValue' in o) {
    const d = o.doubleValue;
    if (typeof d === 'number') return d;
    // proto3's JSON mapping writes NaN and the infinities as strings; the GenAI checks refuse them where a number must be finite.
    if (typeof d === 'string' && d.trim() !== '' && (d === 'NaN' || !Number.isNaN(Number(d)))) return Number(d);
    return bad(`${path}.doubleValue`, 'must be a number');
  }
  if ('arrayValue' in o) {
    const values = list(obj(o.arrayValue, `${path}.arrayValue`).values, `${path}.arrayValue.values`);
    return values.map((x, i) => anyValue(x, `${path}.arrayValue.values[${i}]`, depth + 1));
  }
  if ('kvlistValue' in o) {
    const out: Attrs = {};
    keyValues(obj(o.kvlistValue, `${path}.kvlistValue`).values, `${path}.kvlistValue.values`, out, depth + 1);
    return out;
  }
  if ('bytesValue' in o) return Buffer.from(str(o.bytesValue, `${path}.bytesValue`), 'base64').toString('hex');
  return null;
}

function keyValues(v: unknown, path: string, into: Attrs, depth: number, filter = false): void {
  const items = list(v, path);
  for (let i = 0; i < items.length; i++) {
    const kv = obj(items[i], `${path}[${i}]`);
    const key = str(kv.key, `${path}[${i}].key`);
    // A key named __proto__ would set the object's prototype, not an attribute.
    if (key !== '__proto__' && (!filter || wantedKey(key))) into[key] = anyValue(kv.value, `${path}[${i}].value`, depth);
  }
}

const attrsOf = (v: unknown, path: string): Attrs => {
  const out: Attrs = {};
  keyValues(v, path, out, 0, true);
  return out;
};

function span(v: unknown, p: string): OtlpSpan {
  const o = obj(v, p);
  const status = o.status === undefined || o.status === null ? {} : obj(o.status, `${p}.status`);
  return {
    traceId: hexId(o.traceId, `${p}.traceId`),
    spanId: hexId(o.spanId, `${p}.spanId`),
    parentSpanId: hexId(o.parentSpanId, `${p}.parentSpanId`),
    name: str(o.name, `${p}.name`),
    startMs: nanosMs(o.startTimeUnixNano, `${p}.startTimeUnixNano`),
    endMs: nanosMs(o.endTimeUnixNano, `${p}.endTimeUnixNano`),
    attributes: attrsOf(o.attributes, `${p}.attributes`),
    events: list(o.events, `${p}.events`).map((e, i): OtlpEvent => {
      const eo = obj(e, `${p}.events[${i}]`);
      return { name: str(eo.name, `${p}.events[${i}].name`), timeMs: nanosMs(eo.timeUnixNano, `${p}.events[${i}].timeUnixNano`), attributes: attrsOf(eo.attributes, `${p}.events[${i}].attributes`) };
    }),
    statusCode: int64(status.code, `${p}.status.code`),
    statusMessage: str(status.message, `${p}.status.message`),
  };
}

function logRecord(v: unknown, p: string): OtlpLogRecord {
  const o = obj(v, p);
  const time = nanosMs(o.timeUnixNano, `${p}.timeUnixNano`);
  return {
    timeMs: time || nanosMs(o.observedTimeUnixNano, `${p}.observedTimeUnixNano`),
    traceId: hexId(o.traceId, `${p}.traceId`),
    spanId: hexId(o.spanId, `${p}.spanId`),
    eventName: str(o.eventName, `${p}.eventName`),
    body: anyValue(o.body, `${p}.body`, 0),
    attributes: attrsOf(o.attributes, `${p}.attributes`),
  };
}

function groups<T>(body: Buffer, top: string, scopes: string, items: string, item: (v: unknown, path: string) => T): OtlpGroup<T>[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new OtlpDecodeError(`JSON body cannot be read: ${(err as Error).message}`);
  }
  const out: OtlpGroup<T>[] = [];
  list(obj(doc, 'the body')[top], top).forEach((rv, i) => {
    const rp = `${top}[${i}]`;
    const r = obj(rv, rp);
    const resource = r.resource === undefined || r.resource === null ? {} : attrsOf(obj(r.resource, `${rp}.resource`).attributes, `${rp}.resource.attributes`);
    list(r[scopes], `${rp}.${scopes}`).forEach((sv, j) => {
      const sp = `${rp}.${scopes}[${j}]`;
      const s = obj(sv, sp);
      const scopeName = s.scope === undefined || s.scope === null ? '' : str(obj(s.scope, `${sp}.scope`).name, `${sp}.scope.name`);
      out.push({ resource, scopeName, items: list(s[items], `${sp}.${items}`).map((x, k) => item(x, `${sp}.${items}[${k}]`)) });
    });
  });
  return out;
}

export const decodeTraceJson = (body: Buffer): OtlpGroup<OtlpSpan>[] => groups(body, 'resourceSpans', 'scopeSpans', 'spans', span);
export const decodeLogsJson = (body: Buffer): OtlpGroup<OtlpLogRecord>[] => groups(body, 'resourceLogs', 'scopeLogs', 'logRecords', logRecord);
