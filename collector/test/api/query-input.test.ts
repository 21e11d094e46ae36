import { authedApp } from './support';
import { CONTROL_PLANE } from '../support/stores';

const NIL = '00000000-0000-4000-8000-000000000000';
const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** The 400 envelope naming `field`. */
function expectBad(res: { status: number; body: any }, field: string) {
  expect({ status: res.status, success: res.body?.success, code: res.body?.error?.code }).toEqual({ status: 400, success: false, code: 'VALIDATION_ERROR' });
  expect(JSON.stringify(res.body.error)).toContain(field);
}

/**
 * Query strings, cursors, time windows and bodies the framework refuses, each held to a 400
 * (or 415) in the envelope naming what was wrong: every case here once answered a 500, or a 200
 * for something the caller never asked (a date rolled over, a field of the server's own set).
 */
describe(`query input (real chdb and ${CONTROL_PLANE}, app.inject)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let agentId: string;
  beforeAll(async () => {
    t = await authedApp();
    agentId = (await t.call(t.admin, { method: 'POST', url: '/api/v1/agents', payload: { name: 'query-input' } })).body.data.id;
  });
  afterAll(() => t.close());
  const get = (url: string) => t.call(t.admin, { url });

  it.each([
    ['/api/v1/agents?limit=1e400', 'querystring/limit'],
    ['/api/v1/agents?limit=Infinity', 'querystring/limit'],
    ['/api/v1/governance/violations?limit=-Infinity', 'querystring/limit'],
    ['/api/v1/metrics/history?step=Infinity', 'querystring/step'],
  ])('a number past any a double holds, GET %s: 400 naming it', async (url, field) => {
    const res = await get(url);
    expectBad(res, field);
    expect(res.body.error.message).toMatch(/finite/);
  });

  it('a leap second (no Date holds 23:59:60): 400 naming the field, in queries and ingest bodies', async () => {
    expectBad(await get('/api/v1/governance/violations?to=2026-06-30T23:59:60Z'), 'querystring/to');
    expectBad(await get(`/api/v1/agents/${agentId}/interactions?from=2026-06-30T23:59:60Z`), 'querystring/from');
    expectBad(await get('/api/v1/quality/report?from=2026-06-30T23:59:60Z'), 'querystring/from');
    const ingest = await t.key('ingest');
    const item = { id: 'leap-1', agent: 'leap-bot', vendor: 'openai', model: 'gpt-4o-mini', startedAt: '2026-06-30T23:59:60Z', latencyMs: 100, tokens: { input: 1, output: 1 }, status: 'ok' };
    expectBad(await t.call(ingest, { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions: [item] } }), 'startedAt');
  });

  it("a field the endpoint does not take is refused, never passed on: ?organizationId= does not reach the query", async () => {
    const other = await t.otherOrganization();
    expectBad(await get(`/api/v1/costs/summary?organizationId=${other.id}`), 'querystring/organizationId');
    expectBad(await get('/api/v1/costs/summary?from=2000-01-01'), 'querystring/from');
    expectBad(await get(`/api/v1/governance/violations?organizationId=${other.id}&status=reviewed`), 'querystring/organizationId');
    // A misspelt filter is an error, not a filter that silently filters nothing.
    expectBad(await get(`/api/v1/costs/usage?agentid=${agentId}`), 'querystring/agentid');
    expect((await get(`/api/v1/costs/summary?agentId=${agentId}`)).status).toBe(200);
  });

  it.each([
    ['governance/violations', () => `/api/v1/governance/violations?cursor=${cursor(['2026-01-01 00:00:00', 'not-a-uuid'])}`],
    ['governance/violations', () => `/api/v1/governance/violations?cursor=${cursor(['9999-99-99 99:99:99', NIL])}`],
    ['interactions', () => `/api/v1/agents/${agentId}/interactions?cursor=${cursor(['2026-02-30 00:00:00', 'x'])}`],
    ['grounding', () => `/api/v1/quality/${agentId}/grounding?cursor=${cursor(['2026-01-01 00:00:00', 'not-a-uuid'])}`],
    ['feedback', () => `/api/v1/quality/${agentId}/feedback?cursor=${cursor(['2026-01-01 25:00:00', 'x'])}`],
    ['context', () => `/api/v1/context?cursor=${cursor(['2026-13-01 00:00:00', NIL])}`],
  ])('a tampered %s cursor: 400 naming the cursor', async (_what, url) => {
    expectBad(await get(url()), 'querystring/cursor');
  });

  it('a well-formed cursor still pages', async () => {
    const res = await get(`/api/v1/governance/violations?cursor=${cursor(['2026-01-01 00:00:00', NIL])}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });

  it('a day the calendar lacks is refused, not rolled over into the next month', async () => {
    expectBad(await get('/api/v1/costs/optimizations?from=2026-02-30&to=2026-03-05'), 'querystring/from');
    expectBad(await get('/api/v1/costs/usage?from=2026-04-31'), 'querystring/from');
    const history = await get('/api/v1/metrics/history?from=2026-02-30T00:00:00Z&to=2026-03-02T00:00:00Z');
    expectBad(history, 'querystring/from');
    // The message quotes what was sent, not the day it would have become.
    expect(history.body.error.message).toContain('2026-02-30');
    expect((await get('/api/v1/costs/optimizations?from=2026-02-28&to=2026-03-01')).status).toBe(200);
  });

  it('an audit window that ends before it starts: 400, in the list and the export', async () => {
    expectBad(await get('/api/v1/governance/audit?from=2026-03-01T00:00:00Z&to=2026-01-01T00:00:00Z'), 'querystring/from');
    expectBad(await get('/api/v1/governance/audit/export?from=2026-03-01T00:00:00Z&to=2026-01-01T00:00:00Z'), 'querystring/from');
    expect((await get('/api/v1/governance/audit?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z')).status).toBe(200);
  });

  it('a report over more than 400 days: 400 naming the limit; 400 days answer', async () => {
    for (const url of ['/api/v1/governance/report?from=1970-01-01T00:00:00Z&to=2099-12-31T00:00:00Z', `/api/v1/quality/report?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`, `/api/v1/quality/${agentId}/metrics?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`]) {
      const res = await get(url);
      expectBad(res, 'querystring/from');
      expect(res.body.error.details.maxDays).toBe(400);
    }
    expect((await get('/api/v1/quality/report?from=2025-01-01T00:00:00Z&to=2026-02-05T00:00:00Z')).status).toBe(200);
  });

  it('a range given by the hour is answered in RFC 3339 UTC, as every time this API gives', async () => {
    const res = await get('/api/v1/costs/optimizations?from=2026-02-27T05:00:00Z&to=2026-03-01');
    expect(res.status).toBe(200);
    expect(res.body.meta).toEqual({ from: '2026-02-27T05:00:00Z', to: '2026-03-02' });
  });

  it('bodies the framework refuses say why, in the envelope', async () => {
    const post = (payload: string, type: string) => t.call(t.admin, { method: 'POST', url: '/api/v1/agents', payload, headers: { 'content-type': type } });
    const cut = await post('{"name":', 'application/json');
    expectBad(cut, 'body');
    expect(cut.body.error.message).toMatch(/not valid JSON \(.+\)/);
    const proto = await post('{"name":"x","__proto__":{"admin":true}}', 'application/json');
    expectBad(proto, 'body');
    expect(proto.body.error.message).toMatch(/__proto__/);
    // No body is no body, whatever the content-type (Grafana sends application/json on every POST):
    // a route that takes none answers as without it, one that needs one names the body.
    expectBad(await post('', 'application/json'), 'body');
    const agentId2 = (await t.call(t.admin, { method: 'POST', url: '/api/v1/agents', payload: { name: 'bodiless' } })).body.data.id as string;
    const pause = await t.call(t.admin, { method: 'POST', url: `/api/v1/agents/${agentId2}/pause`, payload: '', headers: { 'content-type': 'application/json' } });
    expect(pause.status).toBe(200);
    const form = await post('name=x', 'application/x-www-form-urlencoded');
    expect({ status: form.status, code: form.body.error.code }).toEqual({ status: 415, code: 'VALIDATION_ERROR' });
    expect(form.body.error.details.fields[0]).toMatchObject({ field: 'headers/content-type', message: expect.stringContaining('application/x-www-form-urlencoded') });
  });
});
