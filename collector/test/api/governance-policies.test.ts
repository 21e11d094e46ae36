import type { EvaluateResult, Policy, PolicyInput, PolicyTemplate, PolicyVersion } from '@ai-arm/schemas';
import { systemDb } from '../support/system-db';
import { authedApp } from './support';

const CARD = '4111 1111 1111 1111';
const URL = '/api/v1/governance/policies';

/** Policies, their versions, templates and POST /governance/evaluate (real PGlite and chdb, app.inject). */
describe('governance policies API', () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let viewer: string;
  let member: string;
  let keyB: string;
  let agentId: string;

  const create = async (p: PolicyInput, key = t.admin) => t.call(key, { method: 'POST', url: URL, payload: p });
  const created = async (p: PolicyInput) => {
    const res = await create(p);
    expect([res.status, res.body.error]).toEqual([201, undefined]);
    return res.body.data as Policy;
  };
  const evaluate = async (payload: object, key = member) => t.call(key, { method: 'POST', url: '/api/v1/governance/evaluate', payload });
  const audits = async (resourceId: string) =>
    (await systemDb(t.stores.controlPlane).query<{ action: string; before: Policy | null; after: Policy | null }>('SELECT action, before, after FROM audit_log WHERE organization_id = $1 AND resource_id = $2 ORDER BY sequence', [t.org, resourceId]));

  beforeAll(async () => {
    t = await authedApp();
    viewer = await t.key('viewer');
    member = await t.key('member');
    const other = await t.otherOrganization('org-b');
    const orgB = other.id;
    keyB = other.key;
    agentId = (await t.call(t.admin, { method: 'POST', url: '/api/v1/agents', payload: { name: 'Support bot', type: 'ASSISTANT' } })).body.data.id;
  });
  afterAll(() => t.close());

  it('creates, reads, lists, edits, disables and deletes a policy, each change a new version and an audit record', async () => {
    const p = await created({ name: 'No Falcon', enforcement: 'WARN', severity: 'WARNING', conditions: [{ field: 'request.content', operator: 'CONTAINS', value: 'falcon' }] });
    expect(p).toMatchObject({ name: 'No Falcon', description: '', enabled: true, match: 'all', version: 1, enforcement: 'WARN', severity: 'WARNING', updatedBy: expect.any(String) });
    expect((await t.call(viewer, { url: `${URL}/${p.id}` })).body.data).toEqual(p);
    expect(((await t.call(viewer, { url: URL })).body.data as Policy[]).map((x) => x.id)).toContain(p.id);

    const edited = await t.call(t.admin, { method: 'PATCH', url: `${URL}/${p.id}`, payload: { enforcement: 'BLOCK', conditions: [{ field: 'request.content', operator: 'MATCHES', value: '(?i)falcon|eagle' }] } });
    expect(edited.status).toBe(200);
    expect(edited.body.data).toMatchObject({ version: 2, enforcement: 'BLOCK', name: 'No Falcon', severity: 'WARNING', conditions: [{ field: 'request.content', operator: 'MATCHES', value: '(?i)falcon|eagle' }] });
    const disabled = await t.call(t.admin, { method: 'PATCH', url: `${URL}/${p.id}`, payload: { enabled: false } });
    expect(disabled.body.data).toMatchObject({ version: 3, enabled: false, enforcement: 'BLOCK' });

    const versions = (await t.call(viewer, { url: `${URL}/${p.id}/versions` })).body.data as PolicyVersion[];
    expect(versions.map((v) => [v.version, v.enforcement, v.enabled, v.conditions[0]!.operator])).toEqual([
      [3, 'BLOCK', false, 'MATCHES'],
      [2, 'BLOCK', true, 'MATCHES'],
      [1, 'WARN', true, 'CONTAINS'],
    ]);
    expect(versions.every((v) => v.policyId === p.id && v.createdBy === p.updatedBy)).toBe(true);

    const removed = await t.call(t.admin, { method: 'DELETE', url: `${URL}/${p.id}` });
    expect([removed.status, removed.body.data]).toEqual([200, { id: p.id, deleted: true }]);
    expect((await t.call(viewer, { url: `${URL}/${p.id}` })).status).toBe(404);
    expect((await t.call(t.admin, { method: 'DELETE', url: `${URL}/${p.id}` })).status).toBe(404);
    // The versions stay for the violations that name them; the deletion's is the last, disabled.
    const after = (await t.call(viewer, { url: `${URL}/${p.id}/versions` })).body.data as PolicyVersion[];
    expect(after.map((v) => [v.version, v.enabled])).toEqual([[4, false], [3, false], [2, true], [1, true]]);

    const trail = await audits(p.id);
    expect(trail.map((a) => a.action)).toEqual(['policy.create', 'policy.update', 'policy.update', 'policy.delete']);
    expect([trail[0]!.before, trail[0]!.after?.version]).toEqual([null, 1]);
    expect([trail[1]!.before?.enforcement, trail[1]!.after?.enforcement]).toEqual(['WARN', 'BLOCK']);
    expect([trail[3]!.before?.version, trail[3]!.after]).toEqual([3, null]);
  });

  it('lets every role read policies, versions and templates, members evaluate, and only admins change policies', async () => {
    const p = await created({ name: 'Roles', enforcement: 'AUDIT', severity: 'INFO', conditions: [{ field: 'model', operator: 'EQUALS', value: 'gpt-4o' }] });
    for (const url of [URL, `${URL}/${p.id}`, `${URL}/${p.id}/versions`, '/api/v1/governance/policy-templates']) expect([url, (await t.call(viewer, { url })).status]).toEqual([url, 200]);
    const input: PolicyInput = { name: 'Not yours', enforcement: 'AUDIT', severity: 'INFO', conditions: [{ field: 'model', operator: 'EQUALS', value: 'x' }] };
    for (const key of [viewer, member]) {
      expect((await create(input, key)).status).toBe(403);
      expect((await t.call(key, { method: 'PATCH', url: `${URL}/${p.id}`, payload: { enabled: false } })).status).toBe(403);
      expect((await t.call(key, { method: 'DELETE', url: `${URL}/${p.id}` })).status).toBe(403);
    }
    const forbidden = await evaluate({ text: 'hello' }, viewer);
    expect([forbidden.status, forbidden.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect((await evaluate({ text: 'hello' }, member)).status).toBe(200);
    expect((await t.call(viewer, { url: `${URL}/${p.id}` })).body.data.version).toBe(1);
  });

  it('keeps organisations apart: B cannot read, change, delete or evaluate against A\'s policies or agents', async () => {
    const p = await created({ name: 'A only', enforcement: 'BLOCK', severity: 'CRITICAL', conditions: [{ field: 'request.content', operator: 'CONTAINS', value: 'orgsecret' }] });
    expect(((await t.call(keyB, { url: URL })).body.data as Policy[]).map((x) => x.id)).not.toContain(p.id);
    expect((await t.call(keyB, { url: `${URL}/${p.id}` })).status).toBe(404);
    expect((await t.call(keyB, { url: `${URL}/${p.id}/versions` })).status).toBe(404);
    expect((await t.call(keyB, { method: 'PATCH', url: `${URL}/${p.id}`, payload: { enabled: false } })).status).toBe(404);
    expect((await t.call(keyB, { method: 'DELETE', url: `${URL}/${p.id}` })).status).toBe(404);
    expect((await evaluate({ text: 'the orgsecret' }, keyB)).body.data).toMatchObject({ decision: 'allow', matches: [] });
    expect((await evaluate({ text: 'the orgsecret' })).body.data).toMatchObject({ decision: 'block', matches: [{ policyId: p.id }] });
    const foreignAgent = await evaluate({ text: 'hi', agentId }, keyB);
    expect([foreignAgent.status, foreignAgent.body.error.details.field]).toEqual([404, 'body/agentId']);
    // A's policy is untouched, and B may use the same name.
    expect((await t.call(t.admin, { url: `${URL}/${p.id}` })).body.data).toMatchObject({ version: 1, enabled: true });
    expect((await create({ name: 'A only', enforcement: 'AUDIT', severity: 'INFO', conditions: [{ field: 'model', operator: 'EQUALS', value: 'x' }] }, keyB)).status).toBe(201);
    await t.call(t.admin, { method: 'DELETE', url: `${URL}/${p.id}` });
  });

  it('answers 400 naming the bad part: an invalid regular expression, an unknown field or operator, no conditions', async () => {
    const base = { name: 'Bad', enforcement: 'WARN', severity: 'WARNING' } as const;
    const ok = { field: 'model', operator: 'EQUALS', value: 'x' } as const;
    const cases: [object, string, RegExp][] = [
      [{ ...base, conditions: [ok, ok, { field: 'request.content', operator: 'MATCHES', value: '(unclosed' }] }, 'body/conditions/2/value', /invalid regular expression "\(unclosed"/],
      [{ ...base, conditions: [{ field: 'request.body', operator: 'CONTAINS', value: 'x' }] }, 'body/conditions/0/field', /unknown field "request\.body"/],
      [{ ...base, conditions: [{ field: 'model', operator: 'STARTS_WITH', value: 'x' }] }, 'body/conditions/0/operator', /STARTS_WITH|must be one of "CONTAINS"/],
      [{ ...base, conditions: [] }, 'body/conditions', /fewer than 1 items/],
      [{ ...base, conditions: [{ field: 'cost.usd', operator: 'GT', value: 'lots' }] }, 'body/conditions/0/value', /GT needs a number/],
      [{ ...base, conditions: [{ field: 'request.content', operator: 'DETECTS', value: 'pii.passport' }] }, 'body/conditions/0/value', /unknown detector "pii\.passport"/],
    ];
    for (const [payload, field, message] of cases) {
      const res = await create(payload as PolicyInput);
      expect([field, res.status, res.body.error.code]).toEqual([field, 400, 'VALIDATION_ERROR']);
      expect((res.body.error.details.fields as { field: string }[]).map((f) => f.field)).toContain(field);
      expect(res.body.error.message).toMatch(message);
    }
    expect(((await t.call(t.admin, { url: URL })).body.data as Policy[]).map((p) => p.name)).not.toContain('Bad');

    const p = await created({ ...base, name: 'Edited badly', conditions: [ok] });
    const bad = await t.call(t.admin, { method: 'PATCH', url: `${URL}/${p.id}`, payload: { conditions: [{ field: 'request.content', operator: 'MATCHES', value: '(?<=x)y' }] } });
    expect([bad.status, bad.body.error.details.field]).toEqual([400, 'body/conditions/0/value']);
    expect(((await t.call(t.admin, { url: `${URL}/${p.id}/versions` })).body.data as PolicyVersion[]).length).toBe(1);
    const draft = await evaluate({ text: 'x', policy: { ...base, conditions: [{ field: 'tokens.total', operator: 'CONTAINS', value: '1' }] } });
    expect([draft.status, draft.body.error.details.field]).toEqual([400, 'body/policy/conditions/0/operator']);
  });

  it('answers 409 for a name the organisation already uses, on create and on rename', async () => {
    const input: PolicyInput = { name: 'Unique name', enforcement: 'AUDIT', severity: 'INFO', conditions: [{ field: 'model', operator: 'EQUALS', value: 'x' }] };
    await created(input);
    const again = await create(input);
    expect([again.status, again.body.error.code, again.body.error.details.field]).toEqual([409, 'CONFLICT', 'body/name']);
    const other = await created({ ...input, name: 'Other name' });
    const rename = await t.call(t.admin, { method: 'PATCH', url: `${URL}/${other.id}`, payload: { name: 'Unique name' } });
    expect([rename.status, rename.body.error.code]).toEqual([409, 'CONFLICT']);
    expect((await audits(other.id)).map((a) => a.action)).toEqual(['policy.create']);
  });

  it('serves templates that each create a policy as they are', async () => {
    const templates = (await t.call(viewer, { url: '/api/v1/governance/policy-templates' })).body.data as PolicyTemplate[];
    expect(templates.map((x) => x.id)).toEqual(expect.arrayContaining(['pii-in-prompts', 'secrets-in-responses', 'spend-per-request', 'unapproved-model', 'prompt-injection']));
    for (const tpl of templates) {
      const res = await create({ ...tpl.policy, name: `tpl ${tpl.id}`, enabled: false }, t.admin);
      expect([tpl.id, res.status]).toEqual([tpl.id, 201]);
    }
  });

  describe('evaluate', () => {
    let block: Policy;
    let warn: Policy;
    beforeAll(async () => {
      // The policies the tests above left enabled test the model only, with models these texts do not name.
      block = await created({ name: 'Cards in prompts', enforcement: 'BLOCK', severity: 'CRITICAL', conditions: [{ field: 'request.content', operator: 'DETECTS', value: 'pii.card' }] });
      warn = await created({ name: 'Codename', enforcement: 'WARN', severity: 'WARNING', match: 'any', conditions: [{ field: 'request.content', operator: 'CONTAINS', value: 'project kestrel' }, { field: 'response.content', operator: 'CONTAINS', value: 'project kestrel' }] });
      await created({ name: 'Custom agents audited', enforcement: 'AUDIT', severity: 'INFO', conditions: [{ field: 'agent.vendor', operator: 'EQUALS', value: 'custom' }, { field: 'agent.type', operator: 'EQUALS', value: 'assistant' }] });
      await created({ name: 'Expensive', enforcement: 'WARN', severity: 'WARNING', conditions: [{ field: 'cost.usd', operator: 'GT', value: 5 }, { field: 'metadata.env', operator: 'IN', value: ['prod'] }] });
    });

    it('allows a clean text, with nothing masked and no violation recorded', async () => {
      const res = await evaluate({ text: 'What is the capital of France?' });
      expect(res.status).toBe(200);
      const r = res.body.data as EvaluateResult;
      expect(r).toMatchObject({ decision: 'allow', matches: [], masked: { request: 'What is the capital of France?', response: null }, violationIds: [] });
      expect(r.evaluationMicros).toBeGreaterThan(0);
    });

    it('warns on a WARN policy, masking the matched words', async () => {
      const r = (await evaluate({ interaction: { request: { content: 'Status of Project Kestrel?' }, response: { content: 'project kestrel is on time' } } })).body.data as EvaluateResult;
      expect(r.decision).toBe('warn');
      expect(r.matches).toEqual([
        {
          policyId: warn.id, policyName: 'Codename', policyVersion: 1, enforcement: 'WARN', severity: 'WARNING',
          conditions: [
            { field: 'request.content', operator: 'CONTAINS', detector: null, start: 10, end: 25, excerpt: 'Status of Project Kestrel?' },
            { field: 'response.content', operator: 'CONTAINS', detector: null, start: 0, end: 15, excerpt: 'project kestrel is on time' },
          ],
        },
      ]);
      expect(r.masked).toEqual({ request: 'Status of [REDACTED:policy]?', response: '[REDACTED:policy] is on time' });
    });

    it('blocks on a BLOCK policy: the card number is masked in the answer, its excerpt and the masked text', async () => {
      const r = (await evaluate({ text: `Please charge ${CARD} for project kestrel`, agentId })).body.data as EvaluateResult;
      expect(r.decision).toBe('block');
      expect(r.matches.map((m) => [m.policyName, m.policyVersion])).toEqual([['Cards in prompts', 1], ['Codename', 1], ['Custom agents audited', 1]]);
      expect(r.matches[0]!.conditions).toEqual([{ field: 'request.content', operator: 'DETECTS', detector: 'pii.card', start: 14, end: 33, excerpt: 'Please charge [REDACTED:card] for project kestrel' }]);
      expect(r.masked.request).toBe('Please charge [REDACTED:card] for [REDACTED:policy]');
      expect(JSON.stringify(r)).not.toContain('4111');
      expect(r.matches[0]!.policyId).toBe(block.id);
    });

    it('reads cost, tokens, model and metadata from the interaction', async () => {
      const hit = (await evaluate({ interaction: { request: { content: 'hi' }, model: 'gpt-4o-mini', costUsd: 7.5, tokens: { total: 90 }, metadata: { env: 'PROD' } } })).body.data as EvaluateResult;
      expect([hit.decision, hit.matches.map((m) => m.policyName)]).toEqual(['warn', ['Expensive']]);
      expect(hit.matches[0]!.conditions.map((c) => [c.field, c.excerpt])).toEqual([['cost.usd', '7.5'], ['metadata.env', 'PROD']]);
      const cheap = (await evaluate({ interaction: { costUsd: 0.5, metadata: { env: 'prod' } } })).body.data as EvaluateResult;
      expect(cheap.decision).toBe('allow');
    });

    it('tests a draft policy instead of the enabled ones, without an id or version', async () => {
      const r = (await evaluate({ text: `card ${CARD}`, policy: { name: 'Draft', enforcement: 'AUDIT', severity: 'INFO', conditions: [{ field: 'request.content', operator: 'MATCHES', value: 'card \\d' }] } })).body.data as EvaluateResult;
      expect(r.decision).toBe('allow');
      expect(r.matches).toEqual([{ policyId: null, policyName: 'Draft', policyVersion: null, enforcement: 'AUDIT', severity: 'INFO', conditions: [{ field: 'request.content', operator: 'MATCHES', detector: null, start: 0, end: 6, excerpt: 'card [REDACTED:card]' }] }]);
      // The card is PII whatever the policy says: masked.
      // The match and the card overlap: one marker covers both, and no digit of the card is left.
      expect(r.masked.request).toBe('[REDACTED:policy]');
    });

    it('refuses text beside interaction.request, record with a draft, and an agent that is not there', async () => {
      expect((await evaluate({ text: 'a', interaction: { request: { content: 'b' } } })).body.error.details.field).toBe('body/text');
      expect((await evaluate({ text: 'a', record: true, policy: { name: 'd', enforcement: 'AUDIT', severity: 'INFO', conditions: [{ field: 'model', operator: 'EQUALS', value: 'x' }] } })).body.error.details.field).toBe('body/record');
      const missing = await evaluate({ text: 'a', agentId: '00000000-0000-4000-8000-000000000000' });
      expect(missing.status).toBe(404);
    });

    it("records nothing through the Grafana app's key: an Editor's test bench there cannot make violations up", async () => {
      const grafana = await t.key('grafana');
      const before = (await t.call(t.admin, { url: '/api/v1/governance/violations' })).body.data.length as number;
      const refused = await evaluate({ text: `charge ${CARD}`, record: true }, grafana);
      expect({ status: refused.status, code: refused.body.error.code, field: refused.body.error.details.field }).toEqual({ status: 403, code: 'FORBIDDEN', field: 'body/record' });
      expect((await evaluate({ text: `charge ${CARD}` }, grafana)).status).toBe(200);
      expect((await t.call(t.admin, { url: '/api/v1/governance/violations' })).body.data.length).toBe(before);
    });

    it('sees a change at once: a disabled policy no longer decides', async () => {
      await t.call(t.admin, { method: 'PATCH', url: `${URL}/${block.id}`, payload: { enabled: false } });
      const r = (await evaluate({ text: `charge ${CARD}` })).body.data as EvaluateResult;
      expect(r.decision).toBe('allow');
      expect(r.masked.request).toBe('charge [REDACTED:card]');
      await t.call(t.admin, { method: 'PATCH', url: `${URL}/${block.id}`, payload: { enabled: true } });
      const again = (await evaluate({ text: `charge ${CARD}` })).body.data as EvaluateResult;
      expect([again.decision, again.matches[0]!.policyVersion]).toEqual(['block', 3]);
    });
  });
});
