import { randomUUID } from 'node:crypto';
import type { IngestInteraction, QualityAlert, QualitySettingsView } from '@ai-arm/schemas';
import { QualityMonitor } from '../../src/quality/monitor';
import { asTenant } from '../../src/stores/tenant-scope';
import { systemDb } from '../support/system-db';
import pino from 'pino';
import { authedApp } from './support';
import { millisText } from '../../src/stores/clickhouse/time-text';
import { CONTROL_PLANE } from '../support/stores';

const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString();

/**
 * Quality alerts from the monitor to a person and back: the error rate of pushed interactions
 * over the current window opens an alert, the grounding-failure share opens another, people
 * acknowledge and resolve them (audited, the gauge follows), the monitor resolves what cleared.
 * Real PGlite and chdb, the real pipeline and routes.
 */
describe(`quality alerts and settings (real ${CONTROL_PLANE} and chdb, the monitor run by hand)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let monitor: QualityMonitor;
  let viewer: string;
  let member: string;
  let keyB: string;
  let agentId: string;
  const NOW = Date.now();

  const item = (id: string, status: 'ok' | 'error', ms: number): IngestInteraction => ({
    id, agent: 'alerting-bot', agentName: 'Alerting bot', vendor: 'openai', model: 'gpt-4o-mini', startedAt: at(ms), latencyMs: 200,
    tokens: { input: 10, output: 5 }, status, ...(status === 'error' ? { errorType: 'timeout' } : {}),
  });
  const push = async (items: IngestInteraction[]) => expect((await t.call(t.admin, { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions: items } })).status).toBe(200);
  /** Rows are spooled on accept and reach ClickHouse a moment later. */
  const stored = async (n: number) => {
    for (let i = 0; i < 300; i++) {
      const [r] = await asTenant(t.org, () => t.stores.telemetry.query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.interactions FINAL WHERE organization_id = {org:UUID}', { org: t.org }));
      if (Number(r!.n) >= n) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${n} interactions never reached ClickHouse`);
  };
  const alerts = async (query = '', key = t.admin) => {
    const res = await t.call(key, { url: `/api/v1/quality/alerts${query}` });
    expect(res.status).toBe(200);
    return res.body.data as QualityAlert[];
  };
  const gauge = async (type: string) => {
    const line = (await t.call(null, { url: '/metrics' })).raw.split('\n').find((l) => l.startsWith('ai_arm_quality_alerts_open{') && l.includes(`organization_id="${t.org}"`) && l.includes(`quality_alert_type="${type}"`));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  const audits = async (action: string) =>
    (await systemDb(t.stores.controlPlane).query<{ actor_type: string; resource_id: string }>('SELECT actor_type, resource_id FROM audit_log WHERE organization_id = $1 AND action = $2 ORDER BY sequence', [t.org, action]));

  beforeAll(async () => {
    t = await authedApp({}, async (stores, _config, metrics) => {
      monitor = new QualityMonitor({ controlPlane: stores.controlPlane, telemetry: stores.telemetry, metrics, log: pino({ level: 'silent' }), now: () => NOW });
      return { quality: monitor, metrics };
    });
    viewer = await t.key('viewer');
    member = await t.key('member');
    const other = await t.otherOrganization('org-b');
    const orgB = other.id;
    keyB = other.key;
  });
  afterAll(() => t.close());

  it('reports 0 open alerts of each type at start, so the alert rules have a series from the first scrape', async () => {
    await monitor.start(0);
    for (const type of ['drift', 'error_rate', 'grounding']) expect(await gauge(type)).toBe(0);
  });

  it('an error rate over the threshold opens one alert (audited as the collector), a later run updates it rather than opening another', async () => {
    // 40 requests in the last day, 3 failed: 7.5%, over the default 5% (under twice it: a warning) with more than the 30 samples needed.
    await push(Array.from({ length: 40 }, (_, i) => item(`e-${i}`, i < 3 ? 'error' : 'ok', NOW - (i + 1) * 60_000)));
    await stored(40);
    await monitor.runOnce();
    const [alert, ...more] = await alerts('?type=ERROR_RATE');
    expect(more).toEqual([]);
    agentId = alert!.agentId;
    expect(alert).toMatchObject({ type: 'ERROR_RATE', status: 'OPEN', metric: 'error_rate', threshold: 0.05, actualValue: 0.075, severity: 'WARNING', resolvedAt: null });
    expect(alert!.message).toContain('7.5% of 40 requests failed');
    expect(await gauge('error_rate')).toBe(1);
    expect(await audits('quality_alert.open')).toEqual([{ actor_type: 'SYSTEM', resource_id: alert!.id }]);

    await monitor.runOnce();
    expect((await alerts('?type=ERROR_RATE')).map((a) => a.id)).toEqual([alert!.id]);
  });

  it('members acknowledge and resolve, audited with the note; viewers cannot; a move the state does not allow is a 409', async () => {
    const [alert] = await alerts('?type=ERROR_RATE&status=OPEN');
    expect((await t.call(viewer, { method: 'POST', url: `/api/v1/quality/alerts/${alert!.id}/acknowledge`, payload: {} })).status).toBe(403);
    const ack = await t.call(member, { method: 'POST', url: `/api/v1/quality/alerts/${alert!.id}/acknowledge`, payload: { note: 'looking at the timeouts' } });
    expect(ack.status).toBe(200);
    expect(ack.body.data).toMatchObject({ status: 'ACKNOWLEDGED', note: 'looking at the timeouts', acknowledgedBy: 'member' });
    expect(await gauge('error_rate')).toBe(1);
    const again = await t.call(member, { method: 'POST', url: `/api/v1/quality/alerts/${alert!.id}/acknowledge`, payload: {} });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ success: false, error: { code: 'CONFLICT', details: { status: 'ACKNOWLEDGED' } } });

    const resolved = await t.call(member, { method: 'POST', url: `/api/v1/quality/alerts/${alert!.id}/resolve`, payload: { note: 'upstream fixed' } });
    expect(resolved.body.data).toMatchObject({ status: 'RESOLVED', resolvedBy: 'member', note: 'upstream fixed' });
    expect(await gauge('error_rate')).toBe(0);
    expect((await t.call(member, { method: 'POST', url: `/api/v1/quality/alerts/${alert!.id}/resolve`, payload: {} })).status).toBe(409);
    expect((await audits('quality_alert.acknowledge')).map((a) => a.resource_id)).toEqual([alert!.id]);
    expect((await audits('quality_alert.resolve')).map((a) => [a.actor_type, a.resource_id])).toEqual([['API_KEY', alert!.id]]);
  });

  it('a condition that still holds opens a new alert after a resolve; once it clears the monitor resolves it as the collector', async () => {
    await monitor.runOnce();
    const [open] = await alerts('?type=ERROR_RATE&status=OPEN');
    expect(open).toBeDefined();
    // 60 more good requests: 3 of 100 failed, under 5%.
    await push(Array.from({ length: 60 }, (_, i) => item(`ok-${i}`, 'ok', NOW - (i + 1) * 30_000)));
    await stored(100);
    await monitor.runOnce();
    expect((await alerts(`?status=RESOLVED&type=ERROR_RATE`)).find((a) => a.id === open!.id)).toMatchObject({ status: 'RESOLVED', resolvedBy: 'system', note: 'condition cleared' });
    expect(await gauge('error_rate')).toBe(0);
    expect((await audits('quality_alert.resolve')).map((a) => a.actor_type)).toEqual(['API_KEY', 'SYSTEM']);
  });

  it('grounding checks failing over the threshold open a GROUNDING alert; fewer than 5 checks do not', async () => {
    const row = (verdict: string, i: number) => ({ organization_id: t.org, agent_id: agentId, id: randomUUID(), interaction_id: '', checked_at: millisText(NOW - (i + 1) * 60_000), method: 'rules', verdict, score: verdict === 'CLEAN' ? 0 : 0.8, claims: '[]', response: '', ingested_at: millisText(NOW) });
    await asTenant(t.org, () => t.stores.telemetry.insert('grounding_checks', [row('HALLUCINATION', 0), row('HALLUCINATION', 1), row('CLEAN', 2), row('CLEAN', 3)]));
    await monitor.runOnce();
    expect(await alerts('?type=GROUNDING')).toEqual([]);
    await asTenant(t.org, () => t.stores.telemetry.insert('grounding_checks', [row('CLEAN', 4), row('HALLUCINATION', 5)]));
    await monitor.runOnce();
    const [g] = await alerts('?type=GROUNDING');
    expect(g).toMatchObject({ status: 'OPEN', metric: 'grounding_failure_rate', threshold: 0.2, actualValue: 0.5, severity: 'CRITICAL' });
    expect(await gauge('grounding')).toBe(1);
  });

  it('another organisation sees none of these alerts and cannot move them', async () => {
    const [g] = await alerts('?type=GROUNDING');
    expect(await alerts('', keyB)).toEqual([]);
    expect((await t.call(keyB, { url: `/api/v1/quality/alerts/${g!.id}` })).status).toBe(404);
    expect((await t.call(keyB, { method: 'POST', url: `/api/v1/quality/alerts/${g!.id}/resolve`, payload: {} })).status).toBe(404);
    expect((await alerts(`?type=GROUNDING`))[0]!.status).toBe('OPEN');
  });

  it('settings: every role reads the defaults; admins change them and an agent\'s overrides, audited; bad values and an unknown agent or connection are refused', async () => {
    const view = (await t.call(viewer, { url: '/api/v1/quality/settings' })).body.data as QualitySettingsView;
    expect(view.organization).toEqual(view.defaults);
    expect(view.evaluator).toBeNull();
    expect((await t.call(member, { method: 'PATCH', url: '/api/v1/quality/settings', payload: { sigma: 4 } })).status).toBe(403);
    const changed = await t.call(t.admin, { method: 'PATCH', url: '/api/v1/quality/settings', payload: { sigma: 4, errorRateThreshold: 0.2 } });
    expect(changed.status).toBe(200);
    expect(changed.body.data.organization).toMatchObject({ sigma: 4, errorRateThreshold: 0.2, psi: view.defaults.psi });
    const agent = await t.call(t.admin, { method: 'PATCH', url: `/api/v1/quality/${agentId}/settings`, payload: { currentHours: 6 } });
    expect(agent.body.data.agents).toEqual([{ agentId, overrides: { currentHours: 6 }, effective: expect.objectContaining({ currentHours: 6, sigma: 4 }) }]);
    expect((await audits('quality_settings.update')).length).toBe(2);
    // null removes an override: the organisation's value applies again.
    const both = await t.call(t.admin, { method: 'PATCH', url: `/api/v1/quality/${agentId}/settings`, payload: { minSamples: 10 } });
    expect(both.body.data.agents[0].overrides).toEqual({ currentHours: 6, minSamples: 10 });
    const cleared = await t.call(t.admin, { method: 'PATCH', url: `/api/v1/quality/${agentId}/settings`, payload: { currentHours: null } });
    expect(cleared.body.data.agents[0]).toMatchObject({ overrides: { minSamples: 10 }, effective: { currentHours: view.defaults.currentHours, minSamples: 10 } });

    const bad = await t.call(t.admin, { method: 'PATCH', url: '/api/v1/quality/settings', payload: { currentHours: 500, baselineHours: 100 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('must not be longer than the baseline');
    expect((await t.call(t.admin, { method: 'PATCH', url: '/api/v1/quality/settings', payload: { sigma: -1 } })).status).toBe(400);
    expect((await t.call(t.admin, { method: 'PATCH', url: '/api/v1/quality/settings', payload: {} })).status).toBe(400);
    expect((await t.call(t.admin, { method: 'PATCH', url: `/api/v1/quality/${randomUUID()}/settings`, payload: { sigma: 2 } })).status).toBe(404);
    const conn = await t.call(t.admin, { method: 'PATCH', url: '/api/v1/quality/settings', payload: { evaluator: { connectionId: randomUUID(), model: 'gpt-4o-mini' } } });
    expect(conn.status).toBe(400);
    expect(conn.body.error.details.field).toBe('body/evaluator/connectionId');
    // Org B's settings are its own.
    expect(((await t.call(keyB, { url: '/api/v1/quality/settings' })).body.data as QualitySettingsView).organization.sigma).toBe(view.defaults.sigma);

    // The raised threshold holds for the monitor: with 3% failing no error-rate alert is open.
    await monitor.runOnce();
    expect(await alerts('?type=ERROR_RATE&status=OPEN')).toEqual([]);
  });
});
