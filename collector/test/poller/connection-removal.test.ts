import { buildApp, type App } from '../../src/app';
import { checkingConnector } from '../../src/connections/check';
import { runtimeConnection, type RuntimeConnection } from '../../src/poller/connections';
import { Poller } from '../../src/poller/poller';
import { storeConnection } from '../../src/poller/stored-connections';
import { CredentialVault } from '../../src/security/envelope-crypto';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { openStores, type Stores } from '../../src/stores';
import { simPoller } from '../support/poller';
import { quietLogger, testConfig, testMetrics } from '../support/stores';
import { systemDb } from '../support/system-db';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000 + 1234;
const MASTER_KEY = 'b'.repeat(64);
const SECOND_KEY = 'sk-admin-simulator-openai-rotated-0002';
const cents = (s: string) => Math.round(Number(s) * 100);

/**
 * One vendor account connected twice (as a collector before account checks allowed), polled
 * into real chdb and PGlite, then its connections removed through the API the way server.ts
 * wires it: the cost and the agents must be right at once, not after the next poll.
 */
describe('removing a connection (real stores, the simulator, the API over a live poller)', () => {
  let sim: Simulator;
  let stores: Stores;
  let app: App;
  let poller: Poller;
  let metrics: ReturnType<typeof testMetrics>['metrics'];
  let vault: CredentialVault;
  const config = testConfig({ ARM_POLL_BACKFILL_DAYS: '8', ARM_MASTER_KEY: MASTER_KEY, ARM_VENDOR_MAX_RETRIES: '0' });
  const call = async (tenant: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers: { 'x-test-org': tenant }, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.json() };
  };
  const week = async (org: string) => cents((await call(org, 'GET', '/api/v1/costs/summary')).body.data.find((p: { period: string }) => p.period === 'week').computedCost);
  const agentsOf = async (org: string, connectionId: string) => (await systemDb(stores.controlPlane).query<{ id: string }>('SELECT id FROM agents WHERE organization_id = $1 AND connection_id = $2 ORDER BY id', [org, connectionId])).map((a) => a.id);
  /** A new organisation with the same OpenAI organisation stored twice, without the API's check (as before it existed). */
  const connectedTwice = async (slug: string) => {
    const org = (await systemDb(stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [`${slug}-${process.pid}-${Date.now()}`]))[0]!.id;
    const spec = { organizationId: org, vendor: 'OPENAI' as const, adminKey: sim.state.opts.keys.openaiAdmin, baseUrl: sim.openaiBaseUrl };
    const ids = [await storeConnection(stores.controlPlane, vault, { ...spec, name: 'OpenAI' }), await storeConnection(stores.controlPlane, vault, { ...spec, name: 'OpenAI (again)' })];
    const [first, again] = ids.map((id) => runtimeConnection({ ...spec, id, source: 'api' }, metrics, 0)) as [RuntimeConnection, RuntimeConnection];
    return { org, first, again };
  };

  beforeAll(async () => {
    sim = await startSimulator({ now: NOW, agents: 8, extraAdminKeys: { openai: [SECOND_KEY], anthropic: [] } });
    const made = testMetrics();
    metrics = made.metrics;
    stores = await openStores(config, metrics, quietLogger());
    vault = new CredentialVault(stores.controlPlane, config.masterKey!);
    poller = new Poller({ config, stores, metrics, log: quietLogger(), now: () => sim.state.now() }, []);
    const connect = (c: Parameters<typeof runtimeConnection>[0]) => runtimeConnection(c, metrics, config.poll.vendorMaxRetries);
    app = await buildApp({
      config,
      stores,
      sink: made.sink,
      logger: quietLogger(),
      tenant: async (req) => String(req.headers['x-test-org']),
      now: () => new Date(NOW * 1000),
      agents: poller,
      // As server.ts wires the running collector.
      connections: { vault, connector: checkingConnector, started: (c) => poller.add(connect({ ...c, source: 'api' })), stopped: (id, unwatched) => poller.retire(id, unwatched) },
    });
  }, 120_000);
  afterAll(async () => {
    await poller?.stop();
    await app?.close();
    await sim?.close();
    await stores?.close();
  });

  it("defect 6: removing the duplicate of a connection takes its cost out of the week at once (merged into the one left); ?history=delete removes the rest", async () => {
    const { org, first, again } = await connectedTwice('cost-twice');
    poller.add(first);
    await poller.runOnce();
    const single = await week(org);
    expect(single).toBeGreaterThan(0);
    poller.add(again);
    await poller.runOnce();
    // Both connections report the same account's usage (priced per line, so within rounding).
    const doubled = await week(org);
    expect(doubled).toBeGreaterThan(1.99 * single);
    expect(doubled).toBeLessThan(2.01 * single);

    const removed = await call(org, 'DELETE', `/api/v1/connections/${again.id}`);
    expect(removed.status).toBe(200);
    expect(await week(org)).toBe(single);
    expect(removed.body.data).toEqual(expect.objectContaining({ historyKept: true, history: expect.objectContaining({ action: 'merged', into: first.id }) }));
    expect(removed.body.data.history.usageRows).toBeGreaterThan(0);
    expect(poller.connections.map((c) => c.id)).toEqual([first.id]);

    // The last connection to the account, its history deleted on request.
    const purged = await call(org, 'DELETE', `/api/v1/connections/${first.id}?history=delete`);
    expect(purged.body.data).toEqual(expect.objectContaining({ historyKept: false, history: expect.objectContaining({ action: 'deleted', into: null }) }));
    expect(await week(org)).toBe(0);
    expect(poller.connections).toEqual([]);
  }, 180_000);

  it('defect 7: the agents of a removed connection are checked through the connection left at once; with none left they say why (no 409)', async () => {
    const { org, first, again } = await connectedTwice('agents-twice');
    poller.add(first);
    poller.add(again);
    await poller.inventory(first);
    await poller.inventory(again);
    // The last inventory run claimed every agent for the duplicate.
    const agents = await agentsOf(org, again.id);
    expect(agents.length).toBeGreaterThan(0);

    const removed = await call(org, 'DELETE', `/api/v1/connections/${again.id}`);
    expect(removed.status).toBe(200);
    const checked = await call(org, 'POST', `/api/v1/agents/${agents[0]}/health-check`);
    expect(checked.status).toBe(200);
    expect(checked.body.data).toEqual(expect.objectContaining({ connectionId: first.id, health: 'HEALTHY' }));
    expect(await agentsOf(org, first.id)).toEqual(agents);
    expect(removed.body.data.agents).toEqual({ reassignedTo: first.id, reassigned: agents.length, unwatched: 0 });

    // The last connection to the account: nothing can check its agents, and they say so.
    const last = await call(org, 'DELETE', `/api/v1/connections/${first.id}`);
    const unwatched = await call(org, 'POST', `/api/v1/agents/${agents[0]}/health-check`);
    expect(unwatched.status).toBe(200);
    expect(unwatched.body.data).toEqual(expect.objectContaining({ connectionId: null, health: 'UNKNOWN', lastError: expect.stringContaining('its connection "OpenAI" was removed') }));
    expect(last.body.data).toEqual(expect.objectContaining({ historyKept: true, history: expect.objectContaining({ action: 'kept' }), agents: { reassignedTo: null, reassigned: 0, unwatched: agents.length } }));
    expect(poller.connections).toEqual([]);
  }, 120_000);

  it('a key rotated with PATCH is polled at once, from the same watermarks, once the old key is revoked', async () => {
    const { org, first, again } = await connectedTwice('rotated');
    // One connection is enough here.
    expect((await call(org, 'DELETE', `/api/v1/connections/${again.id}`)).status).toBe(200);
    poller.add(first);
    await poller.runOnce();
    const marks = async () => systemDb(stores.controlPlane).query<{ feed: string }>('SELECT feed, watermark, started_at FROM poll_watermarks WHERE connection_id = $1 ORDER BY feed', [first.id]);
    const before = await marks();
    expect(before.length).toBeGreaterThan(0);

    const rotated = await call(org, 'PATCH', `/api/v1/connections/${first.id}`, { credentials: { adminKey: SECOND_KEY } });
    expect(rotated.status).toBe(200);
    const polled = poller.connections.filter((c) => c.id === first.id);
    expect(polled).toHaveLength(1);
    expect(polled[0]).not.toBe(first);
    const old = sim.state.opts.keys.openaiAdmin;
    sim.state.opts.keys.openaiAdmin = 'sk-admin-revoked-revoked-revoked';
    try {
      await expect(poller.reports(polled[0]!)).resolves.toBeDefined();
      await expect(poller.reports(first)).rejects.toThrow();
    } finally {
      sim.state.opts.keys.openaiAdmin = old;
    }
    expect(await marks()).toEqual(before);
    expect((await call(org, 'DELETE', `/api/v1/connections/${first.id}`)).status).toBe(200);
  }, 120_000);

  it('counts a connection from the environment: the API refuses a second connection to its account', async () => {
    const envPoller = await simPoller(sim, stores, config, testMetrics().metrics);
    const openai = envPoller.poller.connections.find((c) => c.vendor === 'OPENAI')!;
    await envPoller.poller.inventory(openai);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/connections',
      headers: { 'x-test-org': envPoller.org },
      payload: { vendor: 'OPENAI', name: 'OpenAI by hand', credentials: { adminKey: sim.state.opts.keys.openaiAdmin }, baseUrl: sim.openaiBaseUrl },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.details).toEqual(expect.objectContaining({ connectionId: openai.id, name: 'OpenAI (environment)' }));
  }, 60_000);
});
