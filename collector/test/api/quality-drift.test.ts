import type { DriftEvent, Interaction } from '@ai-arm/schemas';
import { ensureBootstrapKey } from '../../src/auth/bootstrap';
import { randomToken } from '../../src/auth/tokens';
import { QUALITY_DEFAULTS } from '../../src/quality/settings';
import { runDriftCheck } from '../../src/quality/drift/run';
import { systemDb } from '../support/system-db';
import { interactionRow, normal, rng } from '../quality/drift-support';
import { authedApp } from './support';
import { CONTROL_PLANE } from '../support/stores';

const HOUR = 3_600_000;

/** The drift routes as a client meets them: real authentication, real chdb and PGlite, events stored by a real check. */
describe(`GET/POST /api/v1/quality/:agentId/drift (real app, chdb, ${CONTROL_PLANE})`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let viewer: string;
  let member: string;
  let agent: string;
  let orgB: string;
  let keyB: string;
  let agentB: string;
  let events: DriftEvent[];
  // An hour ago on a whole second, so the events fall inside the routes' default range (ending now).
  const now = Math.floor((Date.now() - HOUR) / 1000) * 1000;

  const newAgent = async (org: string, name: string) =>
    (await systemDb(t.stores.controlPlane).query<{ id: string }>("INSERT INTO agents (organization_id, vendor, vendor_agent_id, name) VALUES ($1, 'CUSTOM', $2, $2) RETURNING id", [org, name]))[0]!.id;

  /** Eight days of requests, the last day's three times as slow and one in ten failing. */
  const seedShift = async (org: string, agentId: string) => {
    const r = rng(42);
    const rows: Record<string, unknown>[] = [];
    for (let h = now - 192 * HOUR; h < now; h += HOUR) {
      for (let i = 0; i < 6; i++) {
        const at = h + Math.floor(r() * HOUR);
        const late = at >= now - 24 * HOUR;
        rows.push(interactionRow(org, agentId, `req-${at}-${i}`, at, { latencyMs: Math.exp(Math.log(late ? 2400 : 800) + 0.3 * normal(r)), tokens: 500, error: r() < (late ? 0.1 : 0.01), refusal: false, outputChars: 300, fingerprint: 'f'.repeat(64) }));
      }
    }
    await t.stores.telemetry.insert('interactions', rows);
  };

  beforeAll(async () => {
    t = await authedApp();
    viewer = await t.key('viewer');
    member = await t.key('member');
    agent = await newAgent(t.org, 'drifting');
    await seedShift(t.org, agent);
    events = await runDriftCheck({ telemetry: t.stores.telemetry, controlPlane: t.stores.controlPlane }, t.org, agent, QUALITY_DEFAULTS, now);
    [{ id: orgB }] = (await systemDb(t.stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [`drift-b-${randomToken().slice(0, 8).toLowerCase()}`])) as [{ id: string }];
    keyB = `arm_sk_live_${randomToken()}`;
    await ensureBootstrapKey(t.stores.controlPlane, orgB, keyB);
    agentB = await newAgent(orgB, 'drifting-b');
  });
  afterAll(() => t.close());

  it('lists the events a check stored to every role; honours the range and limit', async () => {
    expect(events.map((e) => e.metric).sort()).toEqual(['error_rate', 'latency']);
    for (const key of [t.admin, member, viewer]) {
      const res = await t.call(key, { url: `/api/v1/quality/${agent}/drift` });
      expect(res.status).toBe(200);
      expect((res.body.data as DriftEvent[]).map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
    }
    const limited = await t.call(viewer, { url: `/api/v1/quality/${agent}/drift?limit=1` });
    expect(limited.body.data).toHaveLength(1);
    const before = new Date(now - 2 * HOUR).toISOString();
    const earlier = await t.call(viewer, { url: `/api/v1/quality/${agent}/drift?from=${new Date(now - 48 * HOUR).toISOString()}&to=${before}` });
    expect(earlier.status).toBe(200);
    expect(earlier.body.data).toEqual([]);
  });

  it('reads one event with its sample interactions, slowest first for latency', async () => {
    const latency = events.find((e) => e.metric === 'latency')!;
    const res = await t.call(viewer, { url: `/api/v1/quality/${agent}/drift/${latency.id}` });
    expect(res.status).toBe(200);
    const { event, interactions } = res.body.data as { event: DriftEvent; interactions: Interaction[] };
    expect(event).toEqual(latency);
    expect(interactions.map((i) => i.id)).toEqual(latency.samples);
    expect(interactions).toHaveLength(20);
    const latencies = interactions.map((i) => i.latencyMs);
    expect([...latencies].sort((a, b) => b - a)).toEqual(latencies);
    expect(interactions.every((i) => i.agentId === agent && i.status === 'ok' && Date.parse(i.startedAt) >= now - 24 * HOUR)).toBe(true);
  });

  it('answers 404 for an unknown agent or event, 400 for bad input', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const missingAgent = await t.call(viewer, { url: `/api/v1/quality/${unknown}/drift` });
    expect(missingAgent.status).toBe(404);
    expect(missingAgent.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    expect((await t.call(viewer, { url: `/api/v1/quality/${agent}/drift/${unknown}` })).status).toBe(404);
    for (const url of [`/api/v1/quality/not-a-uuid/drift`, `/api/v1/quality/${agent}/drift?limit=0`, `/api/v1/quality/${agent}/drift?limit=501`, `/api/v1/quality/${agent}/drift?from=yesterday`, `/api/v1/quality/${agent}/drift/not-a-uuid`]) {
      const res = await t.call(viewer, { url });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
    }
    const backwards = await t.call(viewer, { url: `/api/v1/quality/${agent}/drift?from=${new Date(now).toISOString()}&to=${new Date(now - HOUR).toISOString()}` });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details).toMatchObject({ field: 'querystring/from' });
  });

  it('lets members and admins check on demand, not viewers; the events a check returns are then listed', async () => {
    const denied = await t.call(viewer, { method: 'POST', url: `/api/v1/quality/${agent}/drift/check`, payload: {} });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } });
    expect((await t.call(member, { method: 'POST', url: `/api/v1/quality/${agent}/drift/check`, payload: { extra: 1 } })).status).toBe(400);
    expect((await t.call(member, { method: 'POST', url: '/api/v1/quality/00000000-0000-4000-8000-000000000000/drift/check', payload: {} })).status).toBe(404);
    for (const key of [member, t.admin]) {
      const res = await t.call(key, { method: 'POST', url: `/api/v1/quality/${agent}/drift/check`, payload: {} });
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body.data)).toBe(true);
      const listed = ((await t.call(viewer, { url: `/api/v1/quality/${agent}/drift?to=${new Date(Date.now() + HOUR).toISOString()}` })).body.data as DriftEvent[]).map((e) => e.id);
      for (const e of res.body.data as DriftEvent[]) expect(listed).toContain(e.id);
    }
  });

  it("keeps organisations apart: B cannot see A's agent or events, and its own agent has none", async () => {
    const latency = events.find((e) => e.metric === 'latency')!;
    expect((await t.call(keyB, { url: `/api/v1/quality/${agent}/drift` })).status).toBe(404);
    expect((await t.call(keyB, { url: `/api/v1/quality/${agent}/drift/${latency.id}` })).status).toBe(404);
    // Nor under its own agent's path.
    expect((await t.call(keyB, { url: `/api/v1/quality/${agentB}/drift/${latency.id}` })).status).toBe(404);
    const own = await t.call(keyB, { url: `/api/v1/quality/${agentB}/drift` });
    expect(own.status).toBe(200);
    expect(own.body.data).toEqual([]);
    expect((await t.call(keyB, { method: 'POST', url: `/api/v1/quality/${agent}/drift/check`, payload: {} })).status).toBe(404);
  });
});
