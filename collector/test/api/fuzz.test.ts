import fc from 'fast-check';
import { authedApp } from './support';
import { freshPostgres } from '../support/stores';

/**
 * Every operation of the OpenAPI document, sent hostile path parameters, query strings and
 * bodies (fast-check): no answer is a 5xx, and every error is the envelope. New routes are
 * fuzzed without new code. `npm run fuzz -- --runs N --seed S` runs longer (ARM_FUZZ_RUNS,
 * ARM_FUZZ_SEED); npm test runs a fixed seed and a few cases per operation.
 */
const RUNS = Number(process.env.ARM_FUZZ_RUNS ?? 25);
const SEED = Number(process.env.ARM_FUZZ_SEED ?? 2026);

// encodeURIComponent refuses a lone surrogate; send its raw (invalid UTF-8) bytes instead, as a hostile client would.
const encodePath = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
};

type Op = { method: string; path: string; params: string[]; query: string[]; body: Record<string, unknown> | null };

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udc00y', '../../etc/passwd', "' OR 1=1 --", '"; DROP TABLE agents; --', '%00', '%E0%A4%A', '9999-12-31', '0000-01-01', '2026-01-01T25:00:00Z', '1e21', '0.30000000000000004', '-1', 'NaN', ''),
  fc.constant('x'.repeat(5000)),
);
const nested = (depth: number) => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(1e21, -1, 2 ** 53, nested(3000), { a: { b: { c: '\u0000' } } }),
  fc.array(hostileString, { maxLength: 3 }),
);

function operations(doc: { paths: Record<string, Record<string, any>> }): Op[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const params = (op.parameters ?? []) as { in: string; name: string }[];
      const schema = op.requestBody?.content?.['application/json']?.schema;
      return {
        method: method.toUpperCase(),
        path,
        params: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => p.name),
        body: schema ? (schema.properties ?? {}) : null,
      };
    }),
  );
}

/** A request for `op`: each declared part hostile or absent, plus unknown fields now and then. */
const requestFor = (op: Op) =>
  fc.record({
    path: fc.tuple(...op.params.map(() => hostileString), fc.constant(0)),
    query: fc.dictionary(fc.constantFrom(...op.query, 'unknown', 'limit'), hostileString, { maxKeys: 4 }),
    body: op.body === null ? fc.constant(undefined) : fc.oneof(fc.dictionary(fc.constantFrom(...Object.keys(op.body), 'unknown'), hostileValue, { maxKeys: 6 }), hostileValue, fc.constant('{"unterminated": ')),
    auth: fc.boolean(),
  });

const engines: [string, () => Promise<{ env: Record<string, string>; drop(): Promise<void> }>][] = [
  ['PGlite', async () => ({ env: {}, drop: async () => undefined })],
  ['PostgreSQL', async () => {
    const pg = await freshPostgres();
    return { env: { ARM_POSTGRES_URL: pg.url }, drop: () => pg.drop() };
  }],
];

describe.each(engines)('fuzz every operation on %s (fixed seed)', (_engine, open) => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let drop: () => Promise<void>;
  let ops: Op[] = [];
  beforeAll(async () => {
    const e = await open();
    drop = e.drop;
    t = await authedApp(e.env);
    ops = operations((await t.call(null, { url: '/api/docs/openapi.json' })).body);
  });
  afterAll(async () => {
    await t.close();
    await drop();
  });

  it('no 5xx and every error in the envelope', async () => {
    expect(ops.length).toBeGreaterThan(40);
    const failures: string[] = [];
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(requestFor(op), async (r) => {
          let i = 0;
          const url = op.path.replace(/\{[^}]+\}/g, () => encodePath(String(r.path[i++])));
          const qs = new URLSearchParams(r.query as Record<string, string>).toString();
          const payload = r.body === undefined ? undefined : typeof r.body === 'string' && r.body.startsWith('{"unterminated') ? r.body : JSON.stringify(r.body);
          const res = await t.call(r.auth ? t.admin : null, {
            method: op.method as 'GET',
            url: qs ? `${url}?${qs}` : url,
            ...(payload === undefined ? {} : { payload, headers: { 'content-type': 'application/json' } }),
          });
          const envelope = res.status < 400 || (typeof res.body === 'object' && res.body?.success === false && typeof res.body.error?.code === 'string' && typeof res.body.error?.message === 'string');
          // A 503 UNAVAILABLE is a deliberate answer (no poller behind this app, a store down), not a crash.
          const crashed = res.status >= 500 && !(res.status === 503 && res.body?.error?.code === 'UNAVAILABLE');
          if (crashed || !envelope) failures.push(`${op.method} ${op.path} -> ${res.status} ${String(res.raw).slice(0, 200)} for ${JSON.stringify(r).slice(0, 300)}`);
          return !crashed && envelope;
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      ).catch((err: Error) => failures.push(`${op.method} ${op.path}: ${err.message.slice(0, 600)}`));
    }
    expect(failures.filter((f, i) => failures.indexOf(f) === i)).toEqual([]);
  });
});
