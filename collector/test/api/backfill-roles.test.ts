import { BackfillJobs } from '../../src/poller/backfill';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { simPoller } from '../support/poller';
import { authedApp } from './support';
import { CONTROL_PLANE } from '../support/stores';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000;

/**
 * The backfill endpoints through real keys: admin only, the reads included (they list the
 * organisation's connections and feeds), and `since` checked even while a backfill runs.
 */
describe(`backfill endpoints: roles and since (real ${CONTROL_PLANE} and chdb, simulator, app.inject)`, () => {
  let sim: Simulator;
  let t: Awaited<ReturnType<typeof authedApp>>;
  let connections: { id: string; organizationId: string; vendor: string; source: string }[] = [];
  const keys: Record<'viewer' | 'member', string> = { viewer: '', member: '' };

  beforeAll(async () => {
    sim = await startSimulator({ now: NOW, agents: 40 });
    t = await authedApp({ ARM_RATE_LIMIT_PER_MINUTE: '10000' }, async (stores, config, metrics, slug) => {
      const made = await simPoller(sim, stores, config, metrics, undefined, slug);
      connections = made.poller.connections.map((c) => ({ id: c.id, organizationId: c.organizationId, vendor: c.vendor, source: c.source }));
      const jobs = new BackfillJobs(made.poller);
      // The jobs take "now" from the simulator's clock, as the poller does.
      const start = jobs.start.bind(jobs);
      jobs.start = (id, since) => start(id, since, NOW);
      return { backfill: { jobs, connections: () => connections } };
    });
    for (const role of ['viewer', 'member'] as const) {
      keys[role] = (await t.call(t.admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: `backfill ${role}`, role } })).body.data.key;
    }
  }, 300_000);
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('a viewer or member may neither start nor read a backfill, nor list the polled connections (403); an admin may', async () => {
    const [c] = connections;
    for (const role of ['viewer', 'member'] as const) {
      for (const req of [
        { url: '/api/v1/poller/connections' },
        { url: `/api/v1/connections/${c!.id}/backfill` },
        { method: 'POST' as const, url: `/api/v1/connections/${c!.id}/backfill`, payload: { since: '1d' } },
      ]) {
        const res = await t.call(keys[role], req);
        expect({ role, url: req.url, status: res.status }).toEqual({ role, url: req.url, status: 403 });
        expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', details: { required: 'admin', actual: role } });
      }
    }
    const listed = await t.call(t.admin, { url: '/api/v1/poller/connections' });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((x: { vendor: string }) => x.vendor).sort()).toEqual(['ANTHROPIC', 'OPENAI']);
  });

  it('refuses a since that is no time to backfill from, naming it, also while a backfill of that connection runs', async () => {
    const c = connections.find((x) => x.vendor === 'OPENAI')!;
    const post = (since: string) => t.call(t.admin, { method: 'POST', url: `/api/v1/connections/${c.id}/backfill`, payload: { since } });
    const started = await post('60d');
    expect(started.status).toBe(202);
    expect(started.body.data.status).toBe('running');
    for (const since of ['soon', '10', '9999-12-31']) {
      const res = await post(since);
      expect({ since, status: res.status }).toEqual({ since, status: 400 });
      expect(JSON.stringify(res.body.error.details)).toContain('body/since');
    }
    // The refusals above met a running job (the condition under test), which ends on its own.
    const state = async () => (await t.call(t.admin, { url: `/api/v1/connections/${c.id}/backfill` })).body.data;
    expect((await state()).since).toBe('60d');
    while ((await state()).status === 'running') await new Promise((r) => setTimeout(r, 100));
    expect(await state()).toMatchObject({ status: 'done', error: null });
    // And with none running.
    for (const since of ['1', '10', '0000-01-01', '9999-12-31', '2026-11-01T25:00:00Z']) {
      const res = await post(since);
      expect({ since, status: res.status }).toEqual({ since, status: 400 });
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(JSON.stringify(res.body.error.details)).toContain('body/since');
    }
  });
});
