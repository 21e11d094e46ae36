import { ApiKeyStore } from '../../src/auth/store';
import type { Poller } from '../../src/poller/poller';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { simPoller } from '../support/poller';
import { authedApp } from './support';
import { systemDb } from '../support/system-db';
import { asTenant } from '../../src/stores/tenant-scope';
import { CONTROL_PLANE } from '../support/stores';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000;

describe(`agents API over a polled simulator organisation (real ${CONTROL_PLANE} and chdb, app.inject)`, () => {
  let sim: Simulator;
  let poller: Poller;
  let t: Awaited<ReturnType<typeof authedApp>>;
  let viewer: string;
  let member: string;
  type A = { id: string; name: string; vendor: string; status: string; health: string; type: string; lastHealthCheck: string | null };
  const list = async (query: string, key = viewer) => (await t.call(key, { url: `/api/v1/agents${query}` })).body as { data: A[]; meta: { total: number; countsByVendor: Record<string, number>; nextCursor: string | null } };

  beforeAll(async () => {
    sim = await startSimulator({ now: NOW, agents: 30 });
    t = await authedApp({ ARM_POLL_BACKFILL_DAYS: '1' }, async (stores, config, metrics, slug) => {
      poller = (await simPoller(sim, stores, config, metrics, undefined, slug)).poller;
      await poller.runOnce();
      return { agents: poller, now: () => new Date(sim.state.now() * 1000) };
    });
    viewer = await t.key('viewer');
    member = await t.key('member');
  });
  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  it('lists every agent with counts per vendor that match the rows', async () => {
    const all = await list('?limit=200');
    expect(all.data).toHaveLength(30);
    expect(all.meta.total).toBe(30);
    const perVendor: Record<string, number> = {};
    for (const a of all.data) perVendor[a.vendor] = (perVendor[a.vendor] ?? 0) + 1;
    expect(all.meta.countsByVendor).toEqual(perVendor);
    expect(all.data.map((a) => a.name)).toEqual([...all.data.map((a) => a.name)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  });

  it('filters by vendor, status, type and health, and searches names in any case', async () => {
    const openai = await list('?vendor=OPENAI&limit=200');
    expect(openai.data.length).toBeGreaterThan(0);
    expect(openai.data.every((a) => a.vendor === 'OPENAI')).toBe(true);
    expect(openai.meta.countsByVendor).toEqual({ OPENAI: openai.data.length });
    const healthy = await list('?health=HEALTHY&status=ACTIVE&limit=200');
    expect(healthy.data.every((a) => a.health === 'HEALTHY' && a.status === 'ACTIVE')).toBe(true);
    const name = openai.data[0]!.name;
    const part = name.slice(1, 5).toUpperCase();
    const found = await list(`?q=${encodeURIComponent(part)}`);
    expect(found.data.map((a) => a.name)).toContain(name);
    expect(found.data.every((a) => a.name.toLowerCase().includes(part.toLowerCase()))).toBe(true);
    expect(found.meta.total).toBe(found.data.length);
    expect((await list('?q=%25')).data).toEqual([]);
  });

  it('pages with a cursor: every agent once, in order, ascending and descending', async () => {
    for (const sort of ['name', '-name', 'created', '-healthScore']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof list>> = await list(`?limit=7&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.data.length).toBeLessThanOrEqual(7);
        seen.push(...page.data.map((a) => a.id));
        cursor = page.meta.nextCursor;
      } while (cursor);
      expect({ sort, count: seen.length, unique: new Set(seen).size }).toEqual({ sort, count: 30, unique: 30 });
    }
    const names = (await list('?limit=200&sort=-name')).data.map((a) => a.name);
    expect(names).toEqual([...names].sort((x, y) => (x < y ? 1 : x > y ? -1 : 0)));
    // A cursor for another sort, or crafted, is a 400, never a database error.
    const forName = (await list('?limit=2&sort=name')).meta.nextCursor!;
    for (const cursor of [forName, Buffer.from(JSON.stringify(['x', 'nope'])).toString('base64url')]) {
      const res = await t.call(viewer, { url: `/api/v1/agents?sort=healthScore&cursor=${cursor}` });
      expect({ status: res.status, field: res.body.error?.details?.field }).toEqual({ status: 400, field: 'querystring/cursor' });
    }
    const bad = await t.call(viewer, { url: '/api/v1/agents?cursor=not-ours&sort=sideways' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['querystring/sort']);
  });

  it('registers, edits and deletes a custom agent (member), a viewer may not (403)', async () => {
    expect((await t.call(viewer, { method: 'POST', url: '/api/v1/agents', payload: { name: 'support-bot' } })).status).toBe(403);
    const created = await t.call(member, { method: 'POST', url: '/api/v1/agents', payload: { name: 'support-bot', type: 'CHAT', config: { model: 'llama-3.1-70b' } } });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual(expect.objectContaining({ vendor: 'CUSTOM', status: 'ACTIVE', type: 'CHAT', name: 'support-bot' }));
    expect((await list('?vendor=CUSTOM')).meta.countsByVendor).toEqual({ CUSTOM: 1 });
    const id = created.body.data.id as string;
    const patched = await t.call(member, { method: 'PATCH', url: `/api/v1/agents/${id}`, payload: { name: 'support-bot-v2', activeProbe: true } });
    expect(patched.body.data).toEqual(expect.objectContaining({ name: 'support-bot-v2', activeProbe: true }));
    expect((await t.call(member, { method: 'PATCH', url: `/api/v1/agents/${id}`, payload: {} })).status).toBe(400);
    expect((await t.call(member, { method: 'DELETE', url: `/api/v1/agents/${id}` })).body.data).toEqual({ id, deleted: true });
    expect((await t.call(viewer, { url: `/api/v1/agents/${id}` })).status).toBe(404);
    const vendorAgent = (await list('?vendor=OPENAI')).data[0]!;
    expect((await t.call(member, { method: 'DELETE', url: `/api/v1/agents/${vendorAgent.id}` })).status).toBe(409);
  });

  it("404, not 403, for another organisation's agent", async () => {
    const [other] = await systemDb(t.stores.controlPlane).query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('O', 'other-agents') RETURNING id");
    const otherKey = (await asTenant(other!.id, () => new ApiKeyStore(t.stores.controlPlane).create(other!.id, 'o', 'admin', null))).key;
    const mine = (await list('?limit=1')).data[0]!;
    for (const [method, url] of [['GET', ''], ['PATCH', ''], ['POST', '/pause'], ['POST', '/health-check'], ['GET', '/health']] as const) {
      const res = await t.call(otherKey, { method, url: `/api/v1/agents/${mine.id}${url}`, ...(method === 'PATCH' ? { payload: { name: 'mine' } } : {}) });
      expect({ method, url, status: res.status }).toEqual({ method, url, status: 404 });
    }
    expect((await t.call(otherKey, { url: '/api/v1/agents' })).body.meta.total).toBe(0);
  });

  it('pauses an agent: marked PAUSED, counted paused, skipped by health checks, its health series cleared; resume brings it back', async () => {
    const agent = (await list('?vendor=ANTHROPIC&health=HEALTHY')).data[0]!;
    const paused = await t.call(member, { method: 'POST', url: `/api/v1/agents/${agent.id}/pause` });
    expect(paused.body.data.status).toBe('PAUSED');
    expect((await list('?status=PAUSED')).data.map((a) => a.id)).toEqual([agent.id]);
    expect(await t.sink.render()).toMatch(/^ai_arm_agents\{organization_id="[^"]+",gen_ai_provider_name="anthropic",agent_status="paused"\} 1$/m);
    const checkedBefore = (await t.call(viewer, { url: `/api/v1/agents/${agent.id}` })).body.data.lastHealthCheck;
    for (const c of poller.connections) await poller.health(c);
    expect((await t.call(viewer, { url: `/api/v1/agents/${agent.id}` })).body.data.lastHealthCheck).toBe(checkedBefore);
    const metrics = await t.sink.render();
    expect(metrics).toMatch(new RegExp(`ai_arm_agent_health\\{[^}]*gen_ai_agent_id="${agent.id}"[^}]*health_status="healthy"\\} 0`));
    expect((await t.call(member, { method: 'POST', url: `/api/v1/agents/${agent.id}/health-check` })).status).toBe(409);
    expect((await t.call(member, { method: 'POST', url: `/api/v1/agents/${agent.id}/resume` })).body.data.status).toBe('ACTIVE');
    expect((await list('?status=PAUSED')).data).toEqual([]);
  });

  it('runs a health check now and keeps its history; a retired model shows DOWN with the error', async () => {
    const agent = (await list('?vendor=OPENAI&health=HEALTHY')).data[0]!;
    const detail = (await t.call(viewer, { url: `/api/v1/agents/${agent.id}` })).body.data as { config: { model: string } };
    sim.state.retiredModels.add(detail.config.model);
    const checked = await t.call(member, { method: 'POST', url: `/api/v1/agents/${agent.id}/health-check` });
    expect(checked.status).toBe(200);
    expect(checked.body.data).toEqual(expect.objectContaining({ health: 'DOWN', lastError: expect.stringMatching(/retired|model/) }));
    sim.state.retiredModels.delete(detail.config.model);
    const history = await t.call(viewer, { url: `/api/v1/agents/${agent.id}/health?range=7d` });
    expect(history.body).toEqual(expect.objectContaining({ success: true }));
    expect(history.body.data.checks.length).toBeGreaterThanOrEqual(2);
    expect(history.body.data.checks[0].status).toBe('DOWN');
    expect(history.body.data.agent.lastError).toMatch(/retired|model/);
    expect((await t.call(viewer, { url: `/api/v1/agents/${agent.id}/health?range=forever` })).status).toBe(400);
    const summary = await t.call(viewer, { url: '/api/v1/metrics/health' });
    expect(summary.body.data.down.map((d: { id: string }) => d.id)).toContain(agent.id);
    expect(summary.body.data.byHealth.reduce((s: number, r: { agents: number }) => s + r.agents, 0)).toBe(30);
  });

  it('discovers now: a vendor agent deleted at the vendor is marked vanished', async () => {
    const victim = (await list('?vendor=ANTHROPIC')).data[0]!;
    const vendorId = (await systemDb(t.stores.controlPlane).query<{ vendor_agent_id: string }>('SELECT vendor_agent_id FROM agents WHERE id = $1', [victim.id]))[0]!.vendor_agent_id;
    sim.state.deletedAt.set(vendorId, sim.state.now() - 1);
    const res = await t.call(member, { method: 'POST', url: '/api/v1/agents/discover' });
    expect(res.body.data).toEqual(expect.objectContaining({ vanished: 1 }));
    expect((await t.call(viewer, { method: 'POST', url: '/api/v1/agents/discover' })).status).toBe(403);
    const audit = (await t.call(t.admin, { url: '/api/v1/governance/audit?resourceType=agent&limit=1000' })).body.data.map((r: { action: string }) => r.action);
    expect(audit).toEqual(expect.arrayContaining(['agent.create', 'agent.update', 'agent.delete', 'agent.pause', 'agent.resume']));
  });
});
