import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { IngestInteraction, Interaction, Policy, PolicyInput, PolicyViolation } from '@ai-arm/schemas';
import { asSystem } from '../../src/stores/tenant-scope';
import { authedApp } from './support';
import { CONTROL_PLANE } from '../support/stores';

const CARD = '4111 1111 1111 1111';
const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString();

/**
 * Governance on the push path: enabled policies judge every pushed interaction; a match is a
 * violation (ClickHouse, through its own spool), the interaction is marked warn or block, the
 * metric counts it once, and a person reviews it. Real PGlite and chdb, a listening app for OTLP.
 */
describe(`policy violations from pushed interactions (real ${CONTROL_PLANE} and chdb, OTLP and the ingest API)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let base: string;
  let ingestKey: string;
  let viewer: string;
  let member: string;
  let orgB: string;
  let keyB: string;
  const T0 = Date.now() - 2 * HOUR;

  const policy = async (p: PolicyInput, key = t.admin) => {
    const res = await t.call(key, { method: 'POST', url: '/api/v1/governance/policies', payload: p });
    expect(res.status).toBe(201);
    return res.body.data as Policy;
  };
  const item = (id: string, text: string, over: Partial<IngestInteraction> = {}): IngestInteraction => ({
    id, agent: 'gov-bot', agentName: 'Governed bot', vendor: 'openai', model: 'gpt-4o-mini', startedAt: at(T0), latencyMs: 300,
    tokens: { input: 100, output: 20 }, status: 'ok', content: { input: [{ role: 'user', content: text }], output: 'Sure.' }, ...over,
  });
  const ingest = async (interactions: IngestInteraction[], key = ingestKey) => {
    const res = await t.call(key, { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions } });
    expect(res.status).toBe(200);
    return res;
  };
  /** Violations as the API lists them, once `n` of them (for the query) are in ClickHouse: accepted means spooled, stored a moment later. */
  const violations = async (query: string, n: number, key = t.admin): Promise<PolicyViolation[]> => {
    for (let tries = 0; ; tries++) {
      const res = await t.call(key, { url: `/api/v1/governance/violations?from=${at(T0 - HOUR)}&to=${at(Date.now() + HOUR)}${query}` });
      expect(res.status).toBe(200);
      const list = res.body.data as PolicyViolation[];
      if (list.length >= n || tries > 300) return list;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const metric = async (labels: Record<string, string>) => {
    const text = (await t.call(null, { url: '/metrics' })).raw;
    return text
      .split('\n')
      .filter((l) => l.startsWith('ai_arm_policy_violations_total{') && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  };
  const agentNamed = async (name: string) => ((await t.call(t.admin, { url: '/api/v1/agents?type=CUSTOM' })).body.data as { id: string; name: string }[]).find((a) => a.name === name)!.id;
  const interactionsOf = async (agentId: string) => (await t.call(t.admin, { url: `/api/v1/agents/${agentId}/interactions?from=${at(T0 - HOUR)}&to=${at(Date.now() + HOUR)}&limit=500` })).body.data as Interaction[];
  const setCapture = async (on: boolean) => expect((await t.call(t.admin, { method: 'PATCH', url: `/api/v1/organizations/${t.org}`, payload: { contentCapture: on } })).status).toBe(200);

  beforeAll(async () => {
    t = await authedApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    ingestKey = await t.key('ingest');
    viewer = await t.key('viewer');
    member = await t.key('member');
    ({ id: orgB, key: keyB } = await t.otherOrganization('org-b'));
  });
  afterAll(() => t.close());

  it('blocks a prompt holding a card number sent over OTLP: the violation names the policy version, the interaction is marked block, /metrics counts it, and the number is masked wherever it is stored', async () => {
    await setCapture(true);
    const created = await policy({ name: 'PII in prompts', enforcement: 'BLOCK', severity: 'CRITICAL', conditions: [{ field: 'request.content', operator: 'DETECTS', value: 'pii.card' }] });
    const edited = await t.call(t.admin, { method: 'PATCH', url: `/api/v1/governance/policies/${created.id}`, payload: { description: 'No card numbers in prompts' } });
    expect(edited.body.data.version).toBe(2);

    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${base}/v1/traces`, headers: { Authorization: `Bearer ${ingestKey}` } }) })],
    });
    const startMs = Date.now() - 1000;
    const span = provider.getTracer('app').startSpan('chat gpt-4o-mini', {
      kind: SpanKind.CLIENT,
      startTime: startMs,
      attributes: {
        'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.agent.name': 'Checkout bot',
        'gen_ai.usage.input_tokens': 50, 'gen_ai.usage.output_tokens': 10,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `Please charge my card ${CARD} for the order.` }] }]),
      },
    });
    span.end(startMs + 400);
    await provider.forceFlush();
    await provider.shutdown();

    const agentId = await agentNamed('Checkout bot');
    const [v] = await violations(`&agentId=${agentId}`, 1);
    expect(v).toMatchObject({ policyId: created.id, policyVersion: 2, policyName: 'PII in prompts', enforcement: 'BLOCK', severity: 'CRITICAL', action: 'blocked', agentId, source: 'push', status: 'open', review: null });
    expect(v!.interactionId).toMatch(/^[0-9a-f]{32}:[0-9a-f]{16}$/);
    expect(v!.matches).toHaveLength(1);
    expect(v!.matches[0]).toMatchObject({ field: 'request.content', operator: 'DETECTS', detector: 'pii.card' });
    expect(v!.matches[0]!.excerpt).toContain('[REDACTED:card]');
    expect(v!.matches[0]!.excerpt).not.toMatch(/4111/);

    const [stored] = await interactionsOf(agentId);
    expect(stored).toMatchObject({ id: v!.interactionId, policyAction: 'block' });
    expect(JSON.stringify(stored!.content)).toContain('[REDACTED:card]');
    expect(await metric({ organization_id: t.org, policy_id: created.id, severity: 'critical', enforcement: 'block' })).toBe(1);
    // Nowhere in ClickHouse: not the interaction's content, not the violation's matches.
    const raw = await asSystem('test: every stored byte', () =>
      t.stores.telemetry.query<{ n: number }>(
        "SELECT (SELECT count() FROM {db:Identifier}.interactions WHERE organization_id = {org:UUID} AND position(content, '4111') > 0) + (SELECT count() FROM {db:Identifier}.policy_violations WHERE organization_id = {org:UUID} AND position(matches, '4111') > 0) AS n",
        { org: t.org },
      ),
    );
    expect(Number(raw[0]!.n)).toBe(0);
  });

  it('records AUDIT and WARN matches too: warn marks the interaction, audit leaves it as it was; clean text matches nothing', async () => {
    const audit = await policy({ name: 'Mentions refunds', enforcement: 'AUDIT', severity: 'INFO', conditions: [{ field: 'request.content', operator: 'CONTAINS', value: 'refund' }] });
    const warn = await policy({ name: 'Big requests', enforcement: 'WARN', severity: 'WARNING', conditions: [{ field: 'tokens.total', operator: 'GT', value: 10_000 }] });
    await ingest([item('aw-1', 'I want a refund'), item('aw-2', 'Summarise this', { tokens: { input: 20_000, output: 10 } }), item('aw-3', 'Hello there')]);
    const agentId = await agentNamed('Governed bot');
    const list = await violations(`&agentId=${agentId}`, 2);
    expect(list.map((v) => [v.interactionId, v.policyId, v.action]).sort()).toEqual(
      [['aw-1', audit.id, 'recorded'], ['aw-2', warn.id, 'warned']].sort(),
    );
    const marks = Object.fromEntries((await interactionsOf(agentId)).map((i) => [i.id, i.policyAction]));
    expect(marks).toMatchObject({ 'aw-1': null, 'aw-2': 'warn', 'aw-3': null });
    expect(await metric({ policy_id: audit.id, enforcement: 'audit', severity: 'info' })).toBe(1);
    expect(await metric({ policy_id: warn.id, enforcement: 'warn', severity: 'warning' })).toBe(1);
  });

  it('records a re-delivered interaction once and counts it once', async () => {
    const p = await policy({ name: 'Says redeliver', enforcement: 'AUDIT', severity: 'INFO', conditions: [{ field: 'request.content', operator: 'CONTAINS', value: 'redeliver-marker' }] });
    await ingest([item('again-1', 'redeliver-marker one')]);
    await ingest([item('again-1', 'redeliver-marker one')]);
    await violations(`&policyId=${p.id}`, 1);
    // The second delivery's rows reach ClickHouse too (its interaction's ingested_at moves on): the same violation, replaced.
    await new Promise((r) => setTimeout(r, 300));
    expect(await violations(`&policyId=${p.id}`, 0)).toHaveLength(1);
    expect(await metric({ policy_id: p.id })).toBe(1);
  });

  it('applies a policy change to the next interaction: a disabled policy stops matching, an edited one matches under its new version', async () => {
    const p = await policy({ name: 'Says banana', enforcement: 'AUDIT', severity: 'INFO', conditions: [{ field: 'request.content', operator: 'CONTAINS', value: 'banana' }] });
    await ingest([item('change-1', 'banana split')]);
    await violations(`&policyId=${p.id}`, 1);
    expect((await t.call(t.admin, { method: 'PATCH', url: `/api/v1/governance/policies/${p.id}`, payload: { enabled: false } })).status).toBe(200);
    await ingest([item('change-2', 'banana bread')]);
    expect((await t.call(t.admin, { method: 'PATCH', url: `/api/v1/governance/policies/${p.id}`, payload: { enabled: true, conditions: [{ field: 'request.content', operator: 'CONTAINS', value: 'cherry' }] } })).body.data.version).toBe(3);
    await ingest([item('change-3', 'banana cherry pie')]);
    const list = await violations(`&policyId=${p.id}`, 2);
    expect(list.map((v) => [v.interactionId, v.policyVersion]).sort()).toEqual([['change-1', 1], ['change-3', 3]]);
  });

  it('keeps where a match was but no excerpt when the organisation does not capture content, and stores no content', async () => {
    await setCapture(false);
    const p = await policy({ name: 'E-mail in prompts', enforcement: 'WARN', severity: 'WARNING', conditions: [{ field: 'request.content', operator: 'DETECTS', value: 'pii.email' }] });
    await ingest([item('nocap-1', 'write to jane.doe@example.com today', { agent: 'quiet-bot', agentName: 'Quiet bot' })]);
    const [v] = await violations(`&policyId=${p.id}`, 1);
    expect(v!.matches[0]).toMatchObject({ detector: 'pii.email', start: 9, end: 29, excerpt: '' });
    const [stored] = await interactionsOf(await agentNamed('Quiet bot'));
    expect(stored).toMatchObject({ policyAction: 'warn', content: null });
    await setCapture(true);
  });

  it('is reviewed by members and admins, not viewers: audited, the reviewer named, filterable by status, and a second review replaces the first', async () => {
    const p = await policy({ name: 'Says review-me', enforcement: 'AUDIT', severity: 'WARNING', conditions: [{ field: 'request.content', operator: 'CONTAINS', value: 'review-me' }] });
    await ingest([item('rev-1', 'review-me one'), item('rev-2', 'review-me two')]);
    const [first] = await violations(`&policyId=${p.id}`, 2);
    const review = (key: string, body: Record<string, unknown>, id = first!.id) => t.call(key, { method: 'POST', url: `/api/v1/governance/violations/${id}/review`, payload: body });

    const refused = await review(viewer, { decision: 'CONFIRMED' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await review(member, { decision: 'SURE' })).status).toBe(400);
    expect((await review(member, { decision: 'CONFIRMED' }, '00000000-0000-4000-8000-000000000000')).status).toBe(404);

    const done = await review(member, { decision: 'FALSE_POSITIVE', note: 'test data' });
    expect(done.status).toBe(200);
    expect(done.body.data).toMatchObject({ id: first!.id, status: 'reviewed', review: { reviewer: 'member', decision: 'FALSE_POSITIVE', note: 'test data' } });
    expect((await violations(`&policyId=${p.id}&status=reviewed`, 1)).map((v) => v.id)).toEqual([first!.id]);
    expect((await violations(`&policyId=${p.id}&status=open`, 1)).map((v) => v.id)).not.toContain(first!.id);
    expect((await t.call(viewer, { url: `/api/v1/governance/violations/${first!.id}` })).body.data.review.decision).toBe('FALSE_POSITIVE');

    const again = await review(t.admin, { decision: 'CONFIRMED', note: 'on second look' });
    expect(again.body.data.review).toMatchObject({ decision: 'CONFIRMED', note: 'on second look' });
    const audit = (await t.call(t.admin, { url: `/api/v1/governance/audit?action=violation.review&resourceId=${first!.id}` })).body.data as { before: unknown; after: { decision: string } }[];
    expect(audit.map((a) => a.after.decision)).toEqual(['FALSE_POSITIVE', 'CONFIRMED']);
    expect(audit[1]!.before).toMatchObject({ decision: 'FALSE_POSITIVE' });
  });

  it('filters by policy, severity, agent and time, and pages by cursor without repeating or skipping', async () => {
    const p = await policy({ name: 'Says page', enforcement: 'AUDIT', severity: 'CRITICAL', conditions: [{ field: 'request.content', operator: 'CONTAINS', value: 'page-me' }] });
    await ingest(Array.from({ length: 7 }, (_, i) => item(`page-${i}`, 'page-me', { startedAt: at(T0 + i * 60_000), agent: 'pager-bot', agentName: 'Pager bot' })));
    const all = await violations(`&policyId=${p.id}`, 7);
    expect(all).toHaveLength(7);
    expect(all.map((v) => v.interactionId)).toEqual(Array.from({ length: 7 }, (_, i) => `page-${6 - i}`));
    const seen: string[] = [];
    let cursor = '';
    for (let pages = 0; pages < 10; pages++) {
      const res = await t.call(t.admin, { url: `/api/v1/governance/violations?policyId=${p.id}&from=${at(T0 - HOUR)}&limit=3${cursor ? `&cursor=${cursor}` : ''}` });
      seen.push(...(res.body.data as PolicyViolation[]).map((v) => v.interactionId!));
      if (!res.body.meta.nextCursor) break;
      cursor = res.body.meta.nextCursor as string;
    }
    expect(seen).toEqual(all.map((v) => v.interactionId));
    expect(await violations(`&policyId=${p.id}&severity=INFO`, 0)).toEqual([]);
    expect(await violations(`&policyId=${p.id}&severity=CRITICAL&agentId=${await agentNamed('Pager bot')}`, 7)).toHaveLength(7);
    const windowed = await t.call(t.admin, { url: `/api/v1/governance/violations?policyId=${p.id}&from=${at(T0 + 2 * 60_000)}&to=${at(T0 + 4 * 60_000)}` });
    expect((windowed.body.data as PolicyViolation[]).map((v) => v.interactionId)).toEqual(['page-3', 'page-2']);
    expect((await t.call(t.admin, { url: `/api/v1/governance/violations?from=${at(T0)}&to=${at(T0)}` })).body.error.details.field).toBe('querystring/from');
    expect((await t.call(t.admin, { url: '/api/v1/governance/violations?cursor=bogus' })).status).toBe(400);
  });

  it('records the violations of an evaluation asked to (record: true), as source evaluate, counted once; without record nothing is kept', async () => {
    const p = await policy({ name: 'Says gateway', enforcement: 'BLOCK', severity: 'WARNING', conditions: [{ field: 'request.content', operator: 'CONTAINS', value: 'gateway-marker' }] });
    const dry = await t.call(member, { method: 'POST', url: '/api/v1/governance/evaluate', payload: { text: 'a gateway-marker here' } });
    expect(dry.body.data).toMatchObject({ decision: 'block', violationIds: [] });
    const kept = await t.call(member, { method: 'POST', url: '/api/v1/governance/evaluate', payload: { text: 'a gateway-marker here', record: true } });
    expect(kept.status).toBe(200);
    const ids = kept.body.data.violationIds as string[];
    expect(ids).toHaveLength(1);
    const [v] = await violations(`&policyId=${p.id}`, 1);
    expect(v).toMatchObject({ id: ids[0], source: 'evaluate', interactionId: null, agentId: null, action: 'blocked', policyVersion: 1 });
    expect(v!.matches[0]!.excerpt).toContain('gateway-marker');
    expect(await metric({ policy_id: p.id, enforcement: 'block' })).toBe(1);
  });

  it("never shows one organisation another's violations, and one organisation's policies never judge another's interactions", async () => {
    const [mine] = await violations('', 1);
    const list = await t.call(keyB, { url: `/api/v1/governance/violations?from=${at(T0 - HOUR)}` });
    expect(list.body.data).toEqual([]);
    expect((await t.call(keyB, { url: `/api/v1/governance/violations/${mine!.id}` })).status).toBe(404);
    expect((await t.call(keyB, { method: 'POST', url: `/api/v1/governance/violations/${mine!.id}/review`, payload: { decision: 'CONFIRMED' } })).status).toBe(404);

    const keyBIngest = (await t.call(keyB, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'b-ingest', role: 'ingest' } })).body.data.key as string;
    await ingest([item('b-1', 'banana cherry refund review-me page-me')], keyBIngest);
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.call(keyB, { url: `/api/v1/governance/violations?from=${at(T0 - HOUR)}` })).body.data).toEqual([]);
    expect((await violations('', 0)).some((v) => v.interactionId === 'b-1')).toBe(false);
    expect(orgB).not.toBe(t.org);
  });
});
