import type { IngestInteraction, QualityAlert } from '@ai-arm/schemas';
import pino from 'pino';
import { QualityMonitor } from '../../src/quality/monitor';
import { asTenant } from '../../src/stores/tenant-scope';
import { CONTROL_PLANE } from '../support/stores';
import { authedApp } from './support';

const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString();

/**
 * Error-rate alerts at the edges of their evidence, once wrong: an outage too short of the
 * minimum (25 requests, every one failing) resolved the alert as "cleared"; an alert on a window
 * longer than 8 days was never visited again once traffic stopped; a threshold of 0 alerted on 0%.
 * Real chdb and the control plane, the monitor run by hand on a clock of its own.
 */
describe(`quality alerts at the edges (real ${CONTROL_PLANE} and chdb, the monitor on a clock)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let monitor: QualityMonitor;
  const clock = { now: Date.now() };
  beforeAll(async () => {
    t = await authedApp({}, async (stores, _config, metrics) => {
      monitor = new QualityMonitor({ controlPlane: stores.controlPlane, telemetry: stores.telemetry, metrics, log: pino({ level: 'silent' }), now: () => clock.now });
      return { quality: monitor, metrics };
    });
  });
  afterAll(() => t.close());

  const item = (agent: string, id: string, ms: number, failed: boolean): IngestInteraction => ({
    id, agent, vendor: 'openai', model: 'gpt-4o-mini', startedAt: at(ms), latencyMs: 200, tokens: { input: 10, output: 5 }, status: failed ? 'error' : 'ok', ...(failed ? { errorType: 'timeout' } : {}),
  });
  const push = async (items: IngestInteraction[]) => {
    expect((await t.call(t.admin, { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions: items } })).body.data.accepted).toBe(items.length);
    for (let i = 0; i < 300; i++) {
      const [r] = await asTenant(t.org, () => t.stores.telemetry.query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.interactions FINAL WHERE organization_id = {org:UUID} AND id IN {ids:Array(String)}', { org: t.org, ids: items.map((x) => x.id) }));
      if (Number(r!.n) >= items.length) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('pushed interactions never reached ClickHouse');
  };
  const errorAlerts = async () => ((await t.call(t.admin, { url: '/api/v1/quality/alerts?type=ERROR_RATE&limit=200' })).body.data as QualityAlert[]);
  const statusOf = async (agentName: string) => {
    const agents = (await t.call(t.admin, { url: `/api/v1/agents?q=${agentName}` })).body.data as { id: string }[];
    return (await errorAlerts()).filter((a) => a.agentId === agents[0]!.id).map((a) => a.status);
  };

  it('an outage with fewer requests than the minimum, every one failing, keeps the alert open; a window with none resolves it', async () => {
    const t0 = clock.now;
    await push(Array.from({ length: 40 }, (_, i) => item('outage-bot', `o-a-${i}`, t0 - 23 * HOUR + i * 60_000, i < 4)));
    await monitor.runOnce();
    expect(await statusOf('outage-bot')).toEqual(['OPEN']);
    await push(Array.from({ length: 25 }, (_, i) => item('outage-bot', `o-b-${i}`, t0 + 2 * HOUR + i * 60_000, true)));
    clock.now = t0 + 3 * HOUR;
    await monitor.runOnce();
    expect(await statusOf('outage-bot')).toEqual(['OPEN']);
    clock.now = t0 + 30 * HOUR;
    await monitor.runOnce();
    expect(await statusOf('outage-bot')).toEqual(['RESOLVED']);
    clock.now = t0;
  });

  it('an alert on a window longer than 8 days is resolved once that window holds no requests', async () => {
    const t0 = clock.now;
    expect((await t.call(t.admin, { method: 'PATCH', url: '/api/v1/quality/settings', payload: { baselineHours: 240, currentHours: 240 } })).status).toBe(200);
    try {
      await push(Array.from({ length: 40 }, (_, i) => item('long-window-bot', `l-${i}`, t0 - HOUR + i * 30_000, i < 4)));
      await monitor.runOnce();
      expect(await statusOf('long-window-bot')).toEqual(['OPEN']);
      clock.now = t0 + 11 * 24 * HOUR;
      await monitor.runOnce();
      expect(await statusOf('long-window-bot')).toEqual(['RESOLVED']);
    } finally {
      clock.now = t0;
      await t.call(t.admin, { method: 'PATCH', url: '/api/v1/quality/settings', payload: { baselineHours: 168, currentHours: 24 } });
    }
  });

  it("refuses an organisation's baseline shorter than an agent's own current window, naming the agent", async () => {
    const agents = (await t.call(t.admin, { url: '/api/v1/agents?q=outage-bot' })).body.data as { id: string }[];
    const agentId = agents[0]!.id;
    expect((await t.call(t.admin, { method: 'PATCH', url: `/api/v1/quality/${agentId}/settings`, payload: { currentHours: 100 } })).status).toBe(200);
    try {
      const res = await t.call(t.admin, { method: 'PATCH', url: '/api/v1/quality/settings', payload: { baselineHours: 48 } });
      expect({ status: res.status, field: res.body.error.details.field, agentId: res.body.error.details.agentId }).toEqual({ status: 400, field: 'body/baselineHours', agentId });
      const view = (await t.call(t.admin, { url: '/api/v1/quality/settings' })).body.data as { organization: { baselineHours: number } };
      expect(view.organization.baselineHours).not.toBe(48);
    } finally {
      await t.call(t.admin, { method: 'PATCH', url: `/api/v1/quality/${agentId}/settings`, payload: { currentHours: null } });
    }
  });

  it('refuses a threshold of 0 (it alerted on a 0% rate, which no traffic could clear), naming the field', async () => {
    for (const field of ['errorRateThreshold', 'groundingFailureThreshold']) {
      const res = await t.call(t.admin, { method: 'PATCH', url: '/api/v1/quality/settings', payload: { [field]: 0 } });
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(JSON.stringify(res.body.error)).toContain(`body/${field}`);
    }
    expect((await t.call(t.admin, { method: 'PATCH', url: '/api/v1/quality/settings', payload: { errorRateThreshold: 0.001 } })).status).toBe(200);
  });
});
