import { authedApp } from './support';
import { systemDb } from '../support/system-db';

const NIL = '00000000-0000-4000-8000-000000000000';
type Case = { method: string; url: string; payload?: object; field: string };

/**
 * Every endpoint of the API, held to the envelope on bad input: 400 VALIDATION_ERROR naming the
 * field. Endpoints that take no input at all are listed as such. A test fails when the OpenAPI
 * document has an endpoint this table lacks, so a new endpoint cannot skip it. (The backfill
 * routes exist only beside a running poller; test/poller/backfill.test.ts holds them to this.)
 */
const BAD: Record<string, Case | 'takes no input'> = {
  'GET /api/health': 'takes no input',
  'GET /metrics': 'takes no input',
  'GET /api/auth/me': 'takes no input',
  'POST /api/auth/logout': 'takes no input',
  'POST /api/auth/login': { method: 'POST', url: '/api/auth/login', payload: { email: 'nope', password: 'x' }, field: 'body/email' },
  'GET /api/v1/api-keys': 'takes no input',
  'POST /api/v1/api-keys': { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'k', role: 'root' }, field: 'body/role' },
  'DELETE /api/v1/api-keys/{id}': { method: 'DELETE', url: '/api/v1/api-keys/42', field: 'params/id' },
  'GET /api/v1/users': 'takes no input',
  'POST /api/v1/users': { method: 'POST', url: '/api/v1/users', payload: { email: 'a@b.co', role: 'viewer' }, field: 'body/password' },
  'GET /api/v1/users/{id}': { method: 'GET', url: '/api/v1/users/42', field: 'params/id' },
  'PATCH /api/v1/users/{id}': { method: 'PATCH', url: `/api/v1/users/${NIL}`, payload: { role: 'god' }, field: 'body/role' },
  'DELETE /api/v1/users/{id}': { method: 'DELETE', url: '/api/v1/users/42', field: 'params/id' },
  'GET /api/v1/organizations/{id}': { method: 'GET', url: '/api/v1/organizations/acme', field: 'params/id' },
  'PATCH /api/v1/organizations/{id}': { method: 'PATCH', url: `/api/v1/organizations/${NIL}`, payload: { name: '' }, field: 'body/name' },
  'GET /api/v1/governance/audit': { method: 'GET', url: '/api/v1/governance/audit?from=yesterday', field: 'querystring/from' },
  'GET /api/v1/governance/audit/export': { method: 'GET', url: '/api/v1/governance/audit/export?format=xml', field: 'querystring/format' },
  'GET /api/v1/governance/audit/verify': 'takes no input',
  'GET /api/v1/connections/vendors': 'takes no input',
  'GET /api/v1/connections': 'takes no input',
  'POST /api/v1/connections': { method: 'POST', url: '/api/v1/connections', payload: { vendor: 'OPENAI', name: 'x' }, field: 'body/credentials' },
  'GET /api/v1/connections/{id}': { method: 'GET', url: '/api/v1/connections/42', field: 'params/id' },
  'PATCH /api/v1/connections/{id}': { method: 'PATCH', url: `/api/v1/connections/${NIL}`, payload: { name: '' }, field: 'body/name' },
  'DELETE /api/v1/connections/{id}': { method: 'DELETE', url: '/api/v1/connections/42', field: 'params/id' },
  'POST /api/v1/connections/{id}/test': { method: 'POST', url: '/api/v1/connections/42/test', field: 'params/id' },
  'GET /api/v1/agents': { method: 'GET', url: '/api/v1/agents?limit=0', field: 'querystring/limit' },
  'POST /api/v1/agents': { method: 'POST', url: '/api/v1/agents', payload: { name: '' }, field: 'body/name' },
  'POST /api/v1/agents/discover': 'takes no input',
  'GET /api/v1/agents/{id}': { method: 'GET', url: '/api/v1/agents/42', field: 'params/id' },
  'PATCH /api/v1/agents/{id}': { method: 'PATCH', url: `/api/v1/agents/${NIL}`, payload: { activeProbe: 'yes' }, field: 'body/activeProbe' },
  'DELETE /api/v1/agents/{id}': { method: 'DELETE', url: '/api/v1/agents/42', field: 'params/id' },
  'POST /api/v1/agents/{id}/pause': { method: 'POST', url: '/api/v1/agents/42/pause', field: 'params/id' },
  'POST /api/v1/agents/{id}/resume': { method: 'POST', url: '/api/v1/agents/42/resume', field: 'params/id' },
  'POST /api/v1/agents/{id}/health-check': { method: 'POST', url: '/api/v1/agents/42/health-check', field: 'params/id' },
  'GET /api/v1/agents/{id}/health': { method: 'GET', url: `/api/v1/agents/${NIL}/health?range=1y`, field: 'querystring/range' },
  'GET /api/v1/metrics/health': 'takes no input',
  'GET /api/v1/metrics/history': { method: 'GET', url: '/api/v1/metrics/history?step=1', field: 'querystring/step' },
  'GET /api/v1/metrics/usage': { method: 'GET', url: '/api/v1/metrics/usage?from=soon', field: 'querystring/from' },
  'GET /api/v1/metrics/costs': { method: 'GET', url: '/api/v1/metrics/costs?vendor=ACME', field: 'querystring/vendor' },
  'GET /api/v1/costs/usage': { method: 'GET', url: '/api/v1/costs/usage?agentId=7', field: 'querystring/agentId' },
  'GET /api/v1/costs/reconciliation': { method: 'GET', url: '/api/v1/costs/reconciliation?to=2026-13-45', field: 'querystring' },
  'GET /api/v1/costs/summary': { method: 'GET', url: '/api/v1/costs/summary?vendor=ACME', field: 'querystring/vendor' },
  'GET /api/v1/costs/breakdown': { method: 'GET', url: '/api/v1/costs/breakdown?by=planet', field: 'querystring/by' },
  'GET /api/v1/costs/prices': 'takes no input',
  'POST /api/v1/costs/prices': { method: 'POST', url: '/api/v1/costs/prices', payload: { vendor: 'OPENAI' }, field: 'body/model' },
  'DELETE /api/v1/costs/prices/{id}': { method: 'DELETE', url: '/api/v1/costs/prices/42', field: 'params/id' },
  'GET /api/v1/costs/attribution': 'takes no input',
  'PUT /api/v1/costs/attribution': { method: 'PUT', url: '/api/v1/costs/attribution', payload: { rules: [{ vendor: 'OPENAI' }] }, field: 'body/rules/0' },
  'GET /api/v1/costs/forecast': { method: 'GET', url: '/api/v1/costs/forecast?vendor=ACME', field: 'querystring/vendor' },
  'POST /api/v1/costs/budget': { method: 'POST', url: '/api/v1/costs/budget', payload: { name: 'b', period: 'DECADE', amount: '10' }, field: 'body/period' },
  'GET /api/v1/costs/budget': 'takes no input',
  'DELETE /api/v1/costs/budget/{id}': { method: 'DELETE', url: '/api/v1/costs/budget/42', field: 'params/id' },
  'GET /api/v1/costs/alerts': 'takes no input',
  'POST /api/v1/costs/alerts': { method: 'POST', url: '/api/v1/costs/alerts', payload: { name: 'a', alertType: 'PANIC' }, field: 'body/alertType' },
  'DELETE /api/v1/costs/alerts/{id}': { method: 'DELETE', url: '/api/v1/costs/alerts/42', field: 'params/id' },
  'GET /api/v1/costs/optimizations': { method: 'GET', url: '/api/v1/costs/optimizations?from=whenever', field: 'querystring/from' },
  'GET /api/v1/collector/vendor-api': 'takes no input',
  'POST /api/v1/ingest/interactions': { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions: [] }, field: 'body/interactions' },
  'GET /api/v1/agents/{id}/interactions': { method: 'GET', url: `/api/v1/agents/${NIL}/interactions?limit=501`, field: 'querystring/limit' },
  'GET /api/v1/agents/{id}/versions': { method: 'GET', url: '/api/v1/agents/42/versions', field: 'params/id' },
  // OTLP/JSON bodies; the protobuf cases, gzip and the gRPC receiver are in test/otlp/bad-input.test.ts.
  'POST /v1/traces': { method: 'POST', url: '/v1/traces', payload: { resourceSpans: 'not a list' }, field: 'resourceSpans' },
  'POST /v1/logs': { method: 'POST', url: '/v1/logs', payload: { resourceLogs: [{ scopeLogs: 7 }] }, field: 'scopeLogs' },
  'GET /api/v1/conversations/{id}': { method: 'GET', url: `/api/v1/conversations/${'c'.repeat(256)}`, field: 'params' },
  'GET /api/v1/governance/report': { method: 'GET', url: '/api/v1/governance/report?from=yesterday', field: 'querystring/from' },
  'GET /api/v1/governance/policies': 'takes no input',
  'POST /api/v1/governance/policies': { method: 'POST', url: '/api/v1/governance/policies', payload: { name: 'p', enforcement: 'BLOCK', severity: 'CRITICAL', conditions: [{ field: 'request.content', operator: 'SOUNDS_LIKE', value: 'x' }] }, field: 'body/conditions/0/operator' },
  'GET /api/v1/governance/policies/{id}': { method: 'GET', url: '/api/v1/governance/policies/42', field: 'params/id' },
  'PATCH /api/v1/governance/policies/{id}': { method: 'PATCH', url: `/api/v1/governance/policies/${NIL}`, payload: { enforcement: 'SHOUT' }, field: 'body/enforcement' },
  'DELETE /api/v1/governance/policies/{id}': { method: 'DELETE', url: '/api/v1/governance/policies/42', field: 'params/id' },
  'GET /api/v1/governance/policies/{id}/versions': { method: 'GET', url: '/api/v1/governance/policies/42/versions', field: 'params/id' },
  'GET /api/v1/governance/policy-templates': 'takes no input',
  'POST /api/v1/governance/evaluate': { method: 'POST', url: '/api/v1/governance/evaluate', payload: { text: 'hi', agentId: 'not-a-uuid' }, field: 'body/agentId' },
  'GET /api/v1/governance/violations': { method: 'GET', url: '/api/v1/governance/violations?severity=LOUD', field: 'querystring/severity' },
  'GET /api/v1/governance/violations/{id}': { method: 'GET', url: '/api/v1/governance/violations/42', field: 'params/id' },
  'POST /api/v1/governance/violations/{id}/review': { method: 'POST', url: `/api/v1/governance/violations/${NIL}/review`, payload: { decision: 'MAYBE' }, field: 'body/decision' },
  'GET /api/v1/quality/alerts': { method: 'GET', url: '/api/v1/quality/alerts?status=SNOOZED', field: 'querystring/status' },
  'GET /api/v1/quality/alerts/{id}': { method: 'GET', url: '/api/v1/quality/alerts/42', field: 'params/id' },
  'POST /api/v1/quality/alerts/{id}/acknowledge': { method: 'POST', url: `/api/v1/quality/alerts/${NIL}/acknowledge`, payload: { note: 7 }, field: 'body/note' },
  'POST /api/v1/quality/alerts/{id}/resolve': { method: 'POST', url: `/api/v1/quality/alerts/${NIL}/resolve`, payload: { reason: 'x' }, field: 'body/reason' },
  'GET /api/v1/quality/settings': 'takes no input',
  'GET /api/v1/context': { method: 'GET', url: '/api/v1/context?limit=0', field: 'querystring/limit' },
  'POST /api/v1/context': { method: 'POST', url: '/api/v1/context', payload: { agentId: NIL, type: 'OPINION', content: 'x' }, field: 'body/type' },
  'POST /api/v1/context/extract': { method: 'POST', url: '/api/v1/context/extract', payload: { limit: 0 }, field: 'body/limit' },
  'GET /api/v1/context/settings': 'takes no input',
  'GET /api/v1/context/reindex': 'takes no input',
  'POST /api/v1/context/reindex': 'takes no input',
  'PATCH /api/v1/context/settings': { method: 'PATCH', url: '/api/v1/context/settings', payload: { extractor: { connectionId: 'x', model: 'm' } }, field: 'body/extractor/connectionId' },
  'GET /api/v1/context/{id}': { method: 'GET', url: '/api/v1/context/42', field: 'params/id' },
  'PATCH /api/v1/context/{id}': { method: 'PATCH', url: `/api/v1/context/${NIL}`, payload: { confidence: 2 }, field: 'body/confidence' },
  'DELETE /api/v1/context/{id}': { method: 'DELETE', url: '/api/v1/context/42', field: 'params/id' },
  'GET /api/v1/context/search': { method: 'GET', url: '/api/v1/context/search?q=refund&limit=0', field: 'querystring/limit' },
  'GET /api/v1/context/export': { method: 'GET', url: `/api/v1/context/export?agentId=${NIL}&format=XML`, field: 'querystring/format' },
  'POST /api/v1/context/import': { method: 'POST', url: '/api/v1/context/import', payload: { agentId: NIL, format: 'CSV', data: {} }, field: 'body/format' },
  'POST /api/v1/context/transfer': { method: 'POST', url: '/api/v1/context/transfer', payload: { fromAgentId: NIL, toAgentId: '42' }, field: 'body/toAgentId' },
  'GET /api/v1/preferences': { method: 'GET', url: '/api/v1/preferences?agentId=42', field: 'querystring/agentId' },
  'POST /api/v1/preferences/inject/{agentId}': { method: 'POST', url: '/api/v1/preferences/inject/42', field: 'params/agentId' },
  'POST /api/v1/preferences/inject/{agentId}/undo': { method: 'POST', url: `/api/v1/preferences/inject/${NIL}/undo`, payload: { injectionId: 'x' }, field: 'body/injectionId' },
  'GET /api/v1/quality/report': { method: 'GET', url: '/api/v1/quality/report?from=yesterday', field: 'querystring/from' },
  'GET /api/v1/quality/{agentId}/drift': { method: 'GET', url: `/api/v1/quality/${NIL}/drift?limit=0`, field: 'querystring/limit' },
  'GET /api/v1/quality/{agentId}/drift/{id}': { method: 'GET', url: `/api/v1/quality/${NIL}/drift/42`, field: 'params/id' },
  'POST /api/v1/quality/{agentId}/drift/check': { method: 'POST', url: '/api/v1/quality/42/drift/check', field: 'params/agentId' },
  'POST /api/v1/quality/{agentId}/evaluate': { method: 'POST', url: `/api/v1/quality/${NIL}/evaluate`, payload: { response: 'x', sources: [] }, field: 'body/sources' },
  'GET /api/v1/quality/{agentId}/grounding': { method: 'GET', url: `/api/v1/quality/${NIL}/grounding?verdict=FINE`, field: 'querystring/verdict' },
  'GET /api/v1/quality/{agentId}/grounding/{id}': { method: 'GET', url: `/api/v1/quality/${NIL}/grounding/42`, field: 'params/id' },
  'GET /api/v1/quality/{agentId}/metrics': { method: 'GET', url: `/api/v1/quality/${NIL}/metrics?version=0`, field: 'querystring/version' },
  'POST /api/v1/quality/{agentId}/feedback': { method: 'POST', url: `/api/v1/quality/${NIL}/feedback`, payload: { rating: 6 }, field: 'body/rating' },
  'GET /api/v1/quality/{agentId}/feedback': { method: 'GET', url: `/api/v1/quality/${NIL}/feedback?limit=0`, field: 'querystring/limit' },
  'PATCH /api/v1/quality/settings': { method: 'PATCH', url: '/api/v1/quality/settings', payload: { sigma: 0 }, field: 'body/sigma' },
  'PATCH /api/v1/quality/{agentId}/settings': { method: 'PATCH', url: `/api/v1/quality/${NIL}/settings`, payload: { psi: 'high' }, field: 'body/psi' },
};

describe('bad input on every endpoint (real stores, app.inject)', () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  beforeAll(async () => {
    t = await authedApp();
  });
  afterAll(async () => t.close());

  it('lists every endpoint of the OpenAPI document', async () => {
    const doc = (await t.call(null, { url: '/api/docs/openapi.json' })).body as { paths: Record<string, Record<string, unknown>> };
    const endpoints = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(endpoints.filter((e) => !(e in BAD))).toEqual([]);
  });

  it.each(Object.entries(BAD).filter((e): e is [string, Case] => e[1] !== 'takes no input'))('%s: 400 naming the field, nothing recorded', async (_name, c) => {
    const before = (await systemDb(t.stores.controlPlane).query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE organization_id = $1', [t.org]))[0]!.n;
    const res = await t.call(t.admin, { method: c.method as 'GET', url: c.url, ...(c.payload ? { payload: c.payload } : {}) });
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(res.body.error)).toContain(c.field);
    expect((await systemDb(t.stores.controlPlane).query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE organization_id = $1', [t.org]))[0]!.n).toBe(before);
  });
});
