import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { AjvCompiler } from '@fastify/ajv-compiler';
import { lazySerializers } from './lazy-serializers';
import type { App } from './http-app';
import { ApiError } from '../errors';
import { fail } from './error-handler';
import { jsonDepthOver, MAX_JSON_DEPTH } from '../security/json-depth';
import { unstorableBecause } from '../security/storable-text';

/** Dates and timestamps are read within these years: outside them no store can hold them. */
export const YEARS = { min: 1970, max: 2100 } as const;

const inYears = (s: string) => {
  const year = Number(s.slice(0, 4));
  return /^\d{4}-/.test(s) && year >= YEARS.min && year < YEARS.max;
};
// ajv-formats' checks, kept, with the years bounded.
const bounded = (ajv: { formats: Record<string, unknown>; addFormat(name: string, f: unknown): unknown }, name: string) => {
  const base = ajv.formats[name] as { validate?: (s: string) => boolean } | ((s: string) => boolean) | undefined;
  const check = typeof base === 'function' ? base : base?.validate;
  // Date.parse too: ajv-formats takes a leap second (23:59:60Z), which no Date can hold.
  if (check) ajv.addFormat(name, (s: string) => check(s) && inYears(s) && !Number.isNaN(Date.parse(s)));
};

/**
 * Ajv as Fastify sets it up, but strict: JSON already has types, so a body's `"name": true` is
 * refused rather than coerced to "true". Query strings and path parameters are text, so the
 * numbers and booleans their schemas declare are still read from it (coerceTypes there only).
 * An unknown field is refused in both rather than kept or dropped: kept, a handler that spreads
 * its query passed it on (`?organizationId=` reached SQL); dropped, a misspelt filter
 * (`?agentid=`) would silently filter nothing.
 */
export function strictValidators(): NonNullable<FastifyServerOptions['schemaController']> {
  const pool = AjvCompiler();
  const onCreate = (ajv: never) => ['date-time', 'date'].forEach((f) => bounded(ajv, f));
  return {
    compilersFactory: {
      buildValidator: (externalSchemas: unknown, ajvOptions: { customOptions?: object }) => {
        const base = { ...ajvOptions, onCreate, customOptions: { ...ajvOptions.customOptions, removeAdditional: false } };
        const text = pool(externalSchemas as never, base as never);
        const json = pool(externalSchemas as never, { ...base, customOptions: { ...base.customOptions, coerceTypes: false } } as never);
        return (route: { schema: unknown; httpPart?: string; method: string; url: string }) =>
          route.httpPart === 'body' ? json({ ...route, schema: closed(route.schema) } as never) : text({ ...route, schema: route.httpPart === 'querystring' ? closed(route.schema) : route.schema } as never);
      },
      buildSerializer: lazySerializers(),
    },
  } as never;
}

/** The schema with every object that lists its properties closed to others (copied; the OpenAPI document keeps the original). */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) out[k] = k === 'allOf' ? v : k === 'properties' && v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([p, ps]) => [p, closed(ps)])) : closed(v);
  if (s.type === 'object' && s.properties && !('additionalProperties' in s) && !('patternProperties' in s)) out.additionalProperties = false;
  return out;
}

/** The first string (value or key) in `value` holding a NUL byte or a lone surrogate, as a field path. */
export function unstorableString(value: unknown, path: string, depth = 0): { field: string; why: string } | null {
  if (typeof value === 'string') {
    const why = unstorableBecause(value);
    return why ? { field: path, why } : null;
  }
  if (value === null || typeof value !== 'object' || depth > MAX_JSON_DEPTH) return null;
  // A binary body (OTLP protobuf) is bytes, not text: its decoder checks the strings it reads.
  // Walking it as an object made a key per byte (15 ms and megabytes of garbage per 100-span export).
  if (ArrayBuffer.isView(value)) return null;
  for (const [k, v] of Object.entries(value)) {
    const bad = unstorableString(k, path, depth + 1) ?? unstorableString(v, `${path}/${k}`, depth + 1);
    if (bad) return bad;
  }
  return null;
}

/** Framework errors (bad URL encoding, over-long path parameters) in the envelope, as 400 naming the part. */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const field = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'params' : err.code === 'FST_ERR_BAD_URL' ? 'url' : 'request';
  const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is longer than any this API takes' : err.code === 'FST_ERR_BAD_URL' ? 'the URL is not valid percent-encoded UTF-8' : err.message;
  return reply.status(400).send(fail('VALIDATION_ERROR', `${field} ${message}`, { fields: [{ field, message }] }));
}

/** Why a body Fastify's JSON parser refused is refused, as a 400 naming the body. */
function invalidJson(text: string): ApiError {
  let why = 'has a __proto__ or constructor.prototype key, which this API refuses';
  try {
    JSON.parse(text);
  } catch (e) {
    why = `is not valid JSON (${(e as Error).message})`;
  }
  return new ApiError('VALIDATION_ERROR', `body ${why}`, { fields: [{ field: 'body', message: why }] });
}

/**
 * Hostile input stopped before any route sees it: JSON nested past MAX_JSON_DEPTH (it would
 * overflow the stack of anything that walks it), and NUL bytes or lone surrogates anywhere in
 * the path, query or body (no store can hold them). Each is a 400 naming the field.
 */
export function registerStrictInput(app: App): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // No body at all is no body, whatever the content-type says: Grafana's proxy client sends
    // application/json on every POST, bodiless ones (pause, resume, a connection's test) too.
    if (body === '') {
      done(null, undefined);
      return;
    }
    if (jsonDepthOver(body as string, MAX_JSON_DEPTH)) {
      done(new ApiError('VALIDATION_ERROR', `body is nested deeper than ${MAX_JSON_DEPTH} levels`, { fields: [{ field: 'body', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` }] }), undefined);
      return;
    }
    // Fastify's parser says only "not valid JSON": say where, or that a prototype key was refused.
    parseJson(request, body as string, (err, value) => done(err && (err as FastifyError).code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? invalidJson(body as string) : err, value));
  });
  app.addHook('preValidation', async (request) => {
    const bad = unstorableString(request.params, 'params') ?? unstorableString(request.query, 'querystring') ?? unstorableString(request.body, 'body');
    if (bad) throw new ApiError('VALIDATION_ERROR', `${bad.field} ${bad.why}`, { fields: [{ field: bad.field, message: bad.why }] });
  });
  // Text read as a number can be Infinity ("Infinity", "1e400"), which Ajv's bounds let through.
  app.addHook('preHandler', async (request) => {
    for (const [part, values] of [['querystring', request.query], ['params', request.params]] as const) {
      if (values === null || typeof values !== 'object') continue;
      for (const [k, v] of Object.entries(values)) {
        if (typeof v === 'number' && !Number.isFinite(v)) throw new ApiError('VALIDATION_ERROR', `${part}/${k} must be a finite number`, { fields: [{ field: `${part}/${k}`, message: 'must be a finite number' }] });
      }
    }
  });
}
