import { authedApp } from './support';
import { freshPostgres } from '../support/stores';
import { systemDb } from '../support/system-db';

const NIL = '00000000-0000-4000-8000-000000000000';
const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const deep = (n: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = { d: v };
  return v;
};

type Harness = Awaited<ReturnType<typeof authedApp>>;
type Engine = { env: Record<string, string>; drop(): Promise<void> };

const engines: [string, () => Promise<Engine>][] = [
  ['PGlite', async () => ({ env: {}, drop: async () => undefined })],
  ['PostgreSQL', async () => {
    const pg = await freshPostgres();
    return { env: { ARM_POSTGRES_URL: pg.url }, drop: () => pg.drop() };
  }],
];

/** The 400 envelope naming `field`. */
function expectBad(res: { status: number; body: any }, field: string) {
  expect({ status: res.status, success: res.body?.success, code: res.body?.error?.code }).toEqual({ status: 400, success: false, code: 'VALIDATION_ERROR' });
  expect(typeof res.body.error.message).toBe('string');
  expect(JSON.stringify(res.body.error)).toContain(field);
}

describe.each(engines)('strict input on %s (real stores, app.inject)', (_engine, open) => {
  let t: Harness;
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
    t = await authedApp(engine.env);
  });
  afterAll(async () => {
    await t.close();
    await engine.drop();
  });
  const auditCount = async () => (await systemDb(t.stores.controlPlane).query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE organization_id = $1', [t.org]))[0]!.n;

  it('a NUL byte in a body string, a query string or an object key: 400 naming the field', async () => {
    expectBad(await t.call(t.admin, { method: 'POST', url: '/api/v1/agents', payload: { name: 'a\u0000b' } }), 'body/name');
    expectBad(await t.call(t.admin, { method: 'GET', url: '/api/v1/agents?q=a%00b' }), 'querystring/q');
    expectBad(await t.call(t.admin, { method: 'POST', url: '/api/v1/agents', payload: { name: 'ok', metadata: { 'k\u0000': 1 } } }), 'body/metadata');
    expectBad(await t.call(t.admin, { method: 'POST', url: '/api/v1/costs/alerts', payload: { name: 'x\u0000', alertType: 'THRESHOLD', threshold: '5' } }), 'body/name');
  });

  it('an unpaired surrogate never reaches the audit record: 400 naming the field, nothing recorded', async () => {
    const before = await auditCount();
    const payload = '{"name":"agent","metadata":{"note":"half \\ud800 a pair"}}';
    expectBad(await t.call(t.admin, { method: 'POST', url: '/api/v1/agents', payload, headers: { 'content-type': 'application/json' } }), 'body/metadata/note');
    expect(await auditCount()).toBe(before);
  });

  it('JSON nested 3,000 deep: 400 naming the body, no stack overflow', async () => {
    const res = await t.call(t.admin, { method: 'POST', url: '/api/v1/agents', payload: { name: 'deep', metadata: deep(3000) as object } });
    expectBad(res, 'body');
    expect(res.body.error.message).toMatch(/nested/);
    // Arrays too, and anything after the limit is never parsed.
    expectBad(await t.call(t.admin, { method: 'POST', url: '/api/v1/agents', payload: `{"name":"a","config":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`, headers: { 'content-type': 'application/json' } }), 'body');
  });

  it.each([
    ['/api/v1/costs/usage?from=0000-01-01', 'querystring/from'],
    ['/api/v1/costs/usage?to=9999-12-31', 'querystring/to'],
    ['/api/v1/costs/usage?from=2026-01-01T25:00:00Z', 'querystring/from'],
    ['/api/v1/costs/breakdown?from=0000-01-01&to=0000-01-02', 'querystring/from'],
    ['/api/v1/governance/audit?from=0000-01-01T00:00:00Z', 'querystring/from'],
    ['/api/v1/governance/audit?to=9999-12-31T23:59:59Z', 'querystring/to'],
    ['/api/v1/governance/audit?from=2026-01-01T25:00:00Z', 'querystring/from'],
  ])('GET %s: 400 naming the date', async (url, field) => {
    expectBad(await t.call(t.admin, { method: 'GET', url }), field);
  });

  it.each([
    ['name', ['a\u0000', NIL]],
    ['healthScore', [1e20, NIL]],
    ['-healthScore', [-(2 ** 40), NIL]],
    ['created', ['0', NIL]],
    ['created', ['0000-01-01T00:00:00Z', NIL]],
    ['-created', ['275760-09-13T00:00:00Z', NIL]],
    ['name', ['x'.repeat(10), 'not-a-uuid']],
  ])('a crafted agent-list cursor (sort %s, %j): 400 naming the cursor', async (sort, value) => {
    expectBad(await t.call(t.admin, { method: 'GET', url: `/api/v1/agents?sort=${sort}&cursor=${cursor(value)}` }), 'querystring/cursor');
  });

  it('wrong types are refused, not coerced: {"name":true} creates no budget named "true"', async () => {
    expectBad(await t.call(t.admin, { method: 'POST', url: '/api/v1/costs/budget', payload: { name: true, period: 'MONTH', amount: '10' } }), 'body/name');
    expectBad(await t.call(t.admin, { method: 'POST', url: '/api/v1/agents', payload: { name: 12 } }), 'body/name');
    expectBad(await t.call(t.admin, { method: 'PATCH', url: `/api/v1/agents/${NIL}`, payload: { activeProbe: 'true' } }), 'body/activeProbe');
    const budgets = (await t.call(t.admin, { url: '/api/v1/costs/budget' })).body.data as { name: string }[];
    expect(budgets.map((b) => b.name)).not.toContain('true');
    // Query strings are text: numbers and booleans the schema declares are still read from it.
    expect((await t.call(t.admin, { url: '/api/v1/agents?limit=2' })).status).toBe(200);
  });

  it('unknown fields are refused, not dropped: 400 naming the field', async () => {
    expectBad(await t.call(t.admin, { method: 'POST', url: '/api/v1/costs/budget', payload: { name: 'b', period: 'MONTH', amount: '10', colour: 'red' } }), 'body/colour');
    expectBad(await t.call(t.admin, { method: 'POST', url: '/api/v1/agents', payload: { name: 'a', owner: 'me' } }), 'body/owner');
    const budgets = (await t.call(t.admin, { url: '/api/v1/costs/budget' })).body.data as { name: string }[];
    expect(budgets.map((b) => b.name)).not.toContain('b');
  });

  it('bad URL encoding and an over-long path parameter answer in the envelope', async () => {
    for (const url of ['/api/v1/agents/%E0%A4%A', '/api/v1/agents/%', `/api/v1/agents/${'a'.repeat(5000)}`, `/api/v1/agents/${'a'.repeat(200)}/pause`]) {
      const res = await t.call(t.admin, { method: url.endsWith('pause') ? 'POST' : 'GET', url });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) } });
    }
    expectBad(await t.call(t.admin, { url: '/api/v1/agents/%E0%A4%A' }), 'url');
    expectBad(await t.call(t.admin, { url: `/api/v1/agents/${'a'.repeat(5000)}` }), 'params');
  });
});

describe('a database outage answers 503 with Retry-After', () => {
  it.each(engines)('%s closed under the app', async (_engine, open) => {
    const engine = await open();
    const t = await authedApp(engine.env, async () => ({ tenant: async () => org }));
    const org = t.org;
    try {
      expect((await t.call(null, { url: '/api/v1/costs/budget' })).status).toBe(200);
      await t.stores.controlPlane.close();
      for (const path of ['/api/v1/costs/budget', '/api/v1/agents']) {
        const res = await t.call(null, { url: path });
        expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 503, code: 'UNAVAILABLE' });
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    } finally {
      await t.close().catch(() => undefined);
      await engine.drop();
    }
  });
});
