import { randomUUID } from 'node:crypto';
import type { Feedback, IngestInteraction, QualityMetricsResult, QualityReport } from '@ai-arm/schemas';
import { asTenant } from '../../src/stores/tenant-scope';
import { authedApp } from './support';
import { millisText } from '../../src/stores/clickhouse/time-text';
import { CONTROL_PLANE } from '../support/stores';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(ms).toISOString();
const PASSWORD = 'Correct-Horse-42-battery';
const OWN_ORIGIN = 'http://localhost';

/**
 * The quality routes as clients meet them: who may read and who may write, what bad input gets,
 * feedback stored and paged, one organisation never seeing another's, and the per-agent report
 * with the drift, grounding and alert counts beside the figures. Real PGlite and chdb.
 */
describe(`quality metrics, feedback and report routes (real ${CONTROL_PLANE} and chdb)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let viewer: string;
  let member: string;
  let ingestKey: string;
  let keyB: string;
  let orgB: string;
  let agentId: string;
  let otherAgent: string;
  const NOW = Date.now();

  const item = (id: string, startMs: number, over: Partial<IngestInteraction> = {}): IngestInteraction => ({
    id, agent: 'route-bot', agentName: 'Route bot', vendor: 'openai', model: 'gpt-4o-mini', startedAt: at(startMs), latencyMs: 250,
    tokens: { input: 10, output: 5 }, status: 'ok', content: { input: 'Hello', output: 'Hi there, how can I help?' }, ...over,
  });
  const ingest = async (key: string, interactions: IngestInteraction[]) => {
    const res = await t.call(key, { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions } });
    expect(res.status).toBe(200);
  };
  const agentNamed = async (name: string, key = t.admin) => ((await t.call(key, { url: '/api/v1/agents?type=CUSTOM' })).body.data as { id: string; name: string }[]).find((a) => a.name === name)!.id;
  const metricsOf = (key: string, id: string, query = '') => t.call(key, { url: `/api/v1/quality/${id}/metrics${query}` });
  /** Accepted means spooled: waits until the agent's figures over `query` count `n` requests. */
  const settled = async (key: string, id: string, query: string, n: number) => {
    for (let tries = 0; ; tries++) {
      const res = await metricsOf(key, id, query);
      if ((res.body.data as QualityMetricsResult).overall.requests >= n || tries > 300) return res.body.data as QualityMetricsResult;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const post = (key: string | null, body: unknown, id = agentId, headers: Record<string, string> = {}) => t.call(key, { method: 'POST', url: `/api/v1/quality/${id}/feedback`, payload: body as object, headers });
  const list = (key: string, query = '', id = agentId) => t.call(key, { url: `/api/v1/quality/${id}/feedback${query}` });

  beforeAll(async () => {
    t = await authedApp();
    viewer = await t.key('viewer');
    member = await t.key('member');
    ingestKey = await t.key('ingest');
    ({ id: orgB, key: keyB } = await t.otherOrganization('org-b'));

    // Three requests in the last day, one two days ago (outside the default window), and another agent's.
    await ingest(ingestKey, [item('r1', NOW - 2 * HOUR), item('r2', NOW - HOUR, { status: 'error', content: undefined }), item('r3', NOW - 30 * 60_000), item('old', NOW - 2 * DAY)]);
    await ingest(ingestKey, [item('x1', NOW - HOUR, { agent: 'other-bot', agentName: 'Other bot' })]);
    agentId = await agentNamed('Route bot');
    otherAgent = await agentNamed('Other bot');
    await settled(t.admin, agentId, `?from=${at(NOW - 3 * DAY)}&to=${at(NOW + HOUR)}`, 4);
    await settled(t.admin, otherAgent, '', 1);
  });
  afterAll(() => t.close());

  describe('metrics', () => {
    it('reads the last 24 hours by default, for every role', async () => {
      for (const key of [t.admin, member, viewer]) {
        const res = await metricsOf(key, agentId);
        expect(res.status).toBe(200);
        const m = res.body.data as QualityMetricsResult;
        expect(m.overall).toMatchObject({ requests: 3, errorRate: 1 / 3, refusalRate: 0 });
        expect(Date.parse(m.to) - Date.parse(m.from)).toBe(DAY);
        expect(Math.abs(Date.parse(m.to) - Date.now())).toBeLessThan(60_000);
        expect(m.step).toBe('hour');
      }
      const wide = (await metricsOf(viewer, agentId, `?from=${at(NOW - 3 * DAY)}&to=${at(NOW + HOUR)}`)).body.data as QualityMetricsResult;
      expect(wide.overall.requests).toBe(4);
      expect(wide.step).toBe('day');
    });

    it('refuses an ingest key, an unknown agent, a malformed id and a window that ends before it starts', async () => {
      const refused = await metricsOf(ingestKey, agentId);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('FORBIDDEN');
      const unknown = await metricsOf(t.admin, randomUUID());
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ success: false, error: { code: 'NOT_FOUND', message: expect.stringMatching(/^no agent /) } });
      expect((await metricsOf(t.admin, 'route-bot')).status).toBe(400);
      for (const q of [`?from=${at(NOW)}&to=${at(NOW)}`, `?from=${at(NOW)}&to=${at(NOW - HOUR)}`]) {
        const bad = await metricsOf(t.admin, agentId, q);
        expect(bad.status).toBe(400);
        expect(bad.body.error).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringMatching(/^from \(.+\) must be before to \(.+\)$/), details: { field: 'querystring/from' } });
      }
      expect((await metricsOf(t.admin, agentId, '?from=yesterday')).status).toBe(400);
      expect((await metricsOf(t.admin, agentId, '?version=0')).status).toBe(400);
      expect((await metricsOf(t.admin, agentId, '?version=5')).status).toBe(404);
    });
  });

  describe('feedback', () => {
    it('is given by members and admins, not viewers, as an application named by its key', async () => {
      const refused = await post(viewer, { rating: 5 });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', details: { required: 'member', actual: 'viewer' } });
      expect((await post(ingestKey, { rating: 5 })).status).toBe(403);

      const res = await post(member, { interactionId: 'r1', rating: 4, label: 'completed', comment: 'Answered at once' });
      expect(res.status).toBe(201);
      expect(res.body.data).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/), agentId, interactionId: 'r1', rating: 4, label: 'completed', comment: 'Answered at once',
        source: 'app', author: 'member', createdAt: expect.any(String),
      });
      expect(Math.abs(Date.parse(res.body.data.createdAt) - Date.now())).toBeLessThan(60_000);
      const mine = ((await list(viewer)).body.data as Feedback[]).find((f) => f.id === res.body.data.id);
      expect(mine).toEqual(res.body.data);
    });

    it('is a person\'s when a signed-in user or a Grafana user gives it, named by their login', async () => {
      expect((await t.call(t.admin, { method: 'POST', url: '/api/v1/users', payload: { email: 'rater@example.com', role: 'member', password: PASSWORD } })).status).toBe(201);
      const login = await t.call(null, { method: 'POST', url: '/api/auth/login', payload: { email: 'rater@example.com', password: PASSWORD } });
      const session = String(login.headers['set-cookie']).split(';')[0]!;
      const bySession = await post(null, { rating: 2, label: 'unhelpful' }, agentId, { cookie: session, origin: OWN_ORIGIN });
      expect(bySession.status).toBe(201);
      expect(bySession.body.data).toMatchObject({ source: 'person', author: 'rater@example.com', interactionId: null });
      const viaGrafana = await post(member, { label: 'helpful' }, agentId, { 'x-grafana-user': 'grafana-alice' });
      expect(viaGrafana.status).toBe(201);
      expect(viaGrafana.body.data).toMatchObject({ source: 'person', author: 'grafana-alice', rating: null, comment: '' });
    });

    it('refuses what is no feedback: nothing in it, a rating out of 1-5, an unknown label or field, an unknown agent or an interaction not of the agent', async () => {
      for (const body of [{}, { interactionId: 'r1' }, { comment: '   ' }, { rating: 6 }, { rating: 0 }, { rating: 3.5 }, { label: 'great' }, { rating: 3, mood: 'ok' }]) {
        const res = await post(member, body);
        expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
      }
      const unknownAgent = await post(member, { rating: 3 }, randomUUID());
      expect([unknownAgent.status, unknownAgent.body.error.code]).toEqual([404, 'NOT_FOUND']);
      const unknownInteraction = await post(member, { rating: 3, interactionId: 'no-such-request' });
      expect(unknownInteraction.status).toBe(404);
      expect(unknownInteraction.body.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('has no interaction no-such-request'), details: { field: 'body/interactionId' } });
      // x1 exists, but is another agent's request.
      const another = await post(member, { rating: 3, interactionId: 'x1' });
      expect(another.status).toBe(404);
      expect(another.body.error.message).toContain(`agent ${agentId} has no interaction x1`);
      expect((await list(viewer, '?cursor=not-a-cursor')).status).toBe(400);
      expect((await list(viewer, '', randomUUID())).status).toBe(404);
    });

    it('stores a feedback sent again under its id once, as last sent, keeping when it was first given', async () => {
      const first = await post(member, { id: 'app-fb-1', interactionId: 'r3', rating: 1 });
      await new Promise((r) => setTimeout(r, 15));
      const again = await post(member, { id: 'app-fb-1', interactionId: 'r3', rating: 2, comment: 'on second thought' });
      expect(again.status).toBe(201);
      expect(again.body.data).toMatchObject({ id: 'app-fb-1', rating: 2, comment: 'on second thought', createdAt: first.body.data.createdAt });
      const stored = ((await list(viewer, '?limit=500')).body.data as Feedback[]).filter((f) => f.id === 'app-fb-1');
      expect(stored).toEqual([again.body.data]);
    });

    it('lists newest first, a page at a time, every feedback once', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push((await post(member, { comment: `page ${i}` })).body.data.id);
        await new Promise((r) => setTimeout(r, 5));
      }
      const all = (await list(viewer, '?limit=500')).body.data as Feedback[];
      const times = all.map((f) => f.createdAt);
      expect([...times].sort().reverse()).toEqual(times);
      expect(all.slice(0, 3).map((f) => f.id)).toEqual([...ids].reverse());

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await list(viewer, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.meta.limit).toBe(2);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...(res.body.data as Feedback[]).map((f) => f.id));
        cursor = res.body.meta.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.map((f) => f.id));
    });

    it('counts in the figures: task completion, satisfaction and the count', async () => {
      const m = (await metricsOf(viewer, agentId)).body.data as QualityMetricsResult;
      const all = (await list(viewer, '?limit=500')).body.data as Feedback[];
      const ratings = all.flatMap((f) => (f.rating === null ? [] : [f.rating]));
      expect(m.overall.feedbackCount).toBe(all.length);
      expect(m.overall.taskCompletion).toBe(1);
      expect(m.overall.userSatisfaction).toBeCloseTo((ratings.reduce((a, b) => a + b, 0) / ratings.length - 1) / 4, 12);
    });
  });

  it.each([
    ['GET', `/api/v1/quality/report?from=yesterday`, undefined, 'querystring/from'],
    ['GET', `/api/v1/quality/00000000-0000-4000-8000-000000000000/metrics?version=0`, undefined, 'querystring/version'],
    ['GET', `/api/v1/quality/42/metrics`, undefined, 'params/agentId'],
    ['POST', `/api/v1/quality/00000000-0000-4000-8000-000000000000/feedback`, { rating: 6 }, 'body/rating'],
    ['POST', `/api/v1/quality/00000000-0000-4000-8000-000000000000/feedback`, { label: 'great' }, 'body/label'],
    ['GET', `/api/v1/quality/00000000-0000-4000-8000-000000000000/feedback?limit=0`, undefined, 'querystring/limit'],
  ])('%s %s %j: 400 naming %s', async (method, url, payload, field) => {
    const res = await t.call(t.admin, { method: method as 'GET', url, ...(payload ? { payload } : {}) });
    expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(JSON.stringify(res.body.error)).toContain(field);
  });

  describe('another organisation', () => {
    let agentB: string;
    beforeAll(async () => {
      await ingest(keyB, [item('b-only', NOW - HOUR, { agent: 'b-bot', agentName: 'B bot' })]);
      agentB = await agentNamed('B bot', keyB);
      await settled(keyB, agentB, '', 1);
    });

    it("sees none of the first one's agents, figures or feedback, and cannot give it feedback", async () => {
      for (const res of [await metricsOf(keyB, agentId), await list(keyB, '', agentId), await post(keyB, { rating: 5 }, agentId)]) {
        expect([res.status, res.body.error.code]).toEqual([404, 'NOT_FOUND']);
      }
      // Its own agent is there, with its own figures and none of the first organisation's feedback.
      const own = (await metricsOf(keyB, agentB)).body.data as QualityMetricsResult;
      expect(own.overall).toMatchObject({ requests: 1, feedbackCount: 0 });
      expect((await list(keyB, '', agentB)).body.data).toEqual([]);
      // Nor can it point its feedback at the first organisation's request.
      expect((await post(keyB, { rating: 5, interactionId: 'r1' }, agentB)).status).toBe(404);
      const report = (await t.call(keyB, { url: '/api/v1/quality/report' })).body.data as QualityReport;
      expect(report.agents.map((a) => a.agentId)).toEqual([agentB]);
    });
  });

  describe('report', () => {
    it('lists each agent that served requests in the window with its figures, drift events, grounding checks and open alerts', async () => {
      const inWindow = millisText(NOW - HOUR);
      await asTenant(t.org, async () => {
        await t.stores.telemetry.insert('drift_events', [
          { organization_id: t.org, agent_id: agentId, id: randomUUID(), detected_at: inWindow, metric: 'latency', method: 'sigma', baseline_value: 1, current_value: 2, deviation: 3, psi: null, direction: 'up', baseline_from: inWindow, baseline_to: inWindow, baseline_samples: 10, current_from: inWindow, current_to: inWindow, current_samples: 10, version: 1, version_changed: 0, samples: [], ingested_at: inWindow },
          // Older than the window: not counted.
          { organization_id: t.org, agent_id: agentId, id: randomUUID(), detected_at: millisText(NOW - 30 * DAY), metric: 'latency', method: 'sigma', baseline_value: 1, current_value: 2, deviation: 3, psi: null, direction: 'up', baseline_from: inWindow, baseline_to: inWindow, baseline_samples: 10, current_from: inWindow, current_to: inWindow, current_samples: 10, version: 1, version_changed: 0, samples: [], ingested_at: inWindow },
        ]);
        const check = (verdict: string) => ({ organization_id: t.org, agent_id: agentId, id: randomUUID(), interaction_id: 'r1', checked_at: inWindow, method: 'rules', verdict, score: 0.5, claims: '[]', response: '', ingested_at: inWindow });
        await t.stores.telemetry.insert('grounding_checks', [check('CLEAN'), check('HALLUCINATION'), check('HALLUCINATION'), check('SUSPICIOUS')]);
        for (const [type, status] of [['DRIFT', 'OPEN'], ['ERROR_RATE', 'ACKNOWLEDGED'], ['GROUNDING', 'RESOLVED']] as const) {
          await t.stores.controlPlane.query(
            'INSERT INTO quality_alerts (organization_id, agent_id, type, severity, metric, threshold, actual_value, message, status) VALUES ($1, $2, $3, $4, $5, 0.1, 0.2, $6, $7)',
            [t.org, agentId, type, 'WARNING', type.toLowerCase(), 'test alert', status],
          );
        }
      });

      for (const key of [t.admin, member, viewer]) {
        const res = await t.call(key, { url: '/api/v1/quality/report' });
        expect(res.status).toBe(200);
        const report = res.body.data as QualityReport;
        expect(Date.parse(report.to) - Date.parse(report.from)).toBe(7 * DAY);
        // By name: Other bot, Route bot.
        expect(report.agents.map((a) => a.name)).toEqual(['Other bot', 'Route bot']);
        const [other, route] = report.agents;
        expect(route).toMatchObject({ agentId, vendor: 'CUSTOM', driftEvents: 1, groundingChecks: 4, hallucinations: 2, openAlerts: 2 });
        expect(route!.figures).toMatchObject({ requests: 4, errorRate: 0.25, latencyMs: { p50: 250 }, taskCompletion: 1 });
        expect(route!.figures.feedbackCount).toBeGreaterThan(0);
        expect(other).toMatchObject({ agentId: otherAgent, driftEvents: 0, groundingChecks: 0, hallucinations: 0, openAlerts: 0, figures: { requests: 1, feedbackCount: 0 } });
      }
      // A window without requests lists no one; one that ends before it starts is refused.
      const empty = (await t.call(viewer, { url: `/api/v1/quality/report?from=${at(NOW - 60 * DAY)}&to=${at(NOW - 50 * DAY)}` })).body.data as QualityReport;
      expect(empty.agents).toEqual([]);
      const bad = await t.call(viewer, { url: `/api/v1/quality/report?from=${at(NOW)}&to=${at(NOW - DAY)}` });
      expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    });
  });
});
