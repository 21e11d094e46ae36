import { buildApp, type App } from '../../src/app';
import { checkingConnector } from '../../src/connections/check';
import { runtimeConnection } from '../../src/poller/connections';
import { Poller } from '../../src/poller/poller';
import { loadStoredConnections, storeConnection } from '../../src/poller/stored-connections';
import { CredentialVault } from '../../src/security/envelope-crypto';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { openStores, type Stores } from '../../src/stores';
import { simPoller } from '../support/poller';
import { quietLogger, testConfig, testMetrics } from '../support/stores';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000 + 1234;
const MASTER_KEY = 'b'.repeat(64);
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
  let org: string;
  const config = testConfig({ ARM_POLL_BACKFILL_DAYS: '8', ARM_MASTER_KEY: MASTER_KEY, ARM_VENDOR_MAX_RETRIES: '0' });
  const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, tenant = org) => {
    const res = await app.inject({ method, url, headers: { 'x-test-org': tenant } });
    return { status: res.statusCode, body: res.json() };
  };
  const week = async () => cents((await call('GET', '/api/v1/costs/summary')).body.data.find((p: { period: string }) => p.period === 'week').computedCost);
  const agentsOf = async (connectionId: string) => (await stores.controlPlane.query<{ id: string }>('SELECT id FROM agents WHERE organization_id = $1 AND connection_id = $2 ORDER BY id', [org, connectionId])).map((a) => a.id);

  beforeAll(async () => {
    sim = await startSimulator({ now: NOW, agents: 8 });
    const { sink, metrics } = testMetrics();
    stores = await openStores(config, metrics, quietLogger());
    org = (await stores.controlPlane.query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('Twice', $1) RETURNING id", [`twice-${NOW}-${process.pid}`]))[0]!.id;
    const vault = new CredentialVault(stores.controlPlane, config.masterKey!);
    poller = new Poller({ config, stores, metrics, log: quietLogger(), now: () => sim.state.now() }, []);
    const connect = (c: Parameters<typeof runtimeConnection>[0]) => runtimeConnection(c, metrics, config.poll.vendorMaxRetries);
    app = await buildApp({
      config,
      stores,
      sink,
      logger: quietLogger(),
      tenant: async (req) => String(req.headers['x-test-org']),
      now: () => new Date(NOW * 1000),
      agents: poller,
      // As server.ts wires the running collector.
      connections: { vault, connector: checkingConnector, started: (c) => poller.add(connect({ ...c, source: 'api' })), stopped: (id, unwatched) => poller.retire(id, unwatched) },
    });
    // The same OpenAI organisation, stored twice without the API's check.
    for (const name of ['OpenAI', 'OpenAI (again)']) await storeConnection(stores.controlPlane, vault, { organizationId: org, vendor: 'OPENAI', name, adminKey: sim.state.opts.keys.openaiAdmin, baseUrl: sim.openaiBaseUrl });
  }, 120_000);
  afterAll(async () => {
    await poller?.stop();
    await app?.close();
    await sim?.close();
    await stores?.close();
  });

  it("takes a removed duplicate's cost out of the week at once, and hands its agents to the connection left (health checks answer, no 409)", async () => {
    const stored = (await loadStoredConnections(stores.controlPlane, new CredentialVault(stores.controlPlane, config.masterKey!))).filter((c) => c.organizationId === org);
    const byName = async (name: string) => (await stores.controlPlane.query<{ id: string }>('SELECT id FROM connections WHERE organization_id = $1 AND name = $2', [org, name]))[0]!.id;
    const [first, again] = [await byName('OpenAI'), await byName('OpenAI (again)')];
    const conn = (id: string) => runtimeConnection({ ...stored.find((c) => c.id === id)!, source: 'api' }, testMetrics().metrics, 0);

    poller.add(conn(first));
    await poller.runOnce();
    const single = await week();
    expect(single).toBeGreaterThan(0);
    poller.add(conn(again));
    await poller.runOnce();
    // The defect: both connections report the same account's usage.
    expect(Math.abs((await week()) - 2 * single)).toBeLessThanOrEqual(1);
    // The last inventory run claimed every agent for the duplicate.
    const agents = await agentsOf(again);
    expect(agents.length).toBeGreaterThan(0);

    const removed = await call('DELETE', `/api/v1/connections/${again}`);
    expect(removed.status).toBe(200);
    expect(removed.body.data).toEqual(expect.objectContaining({ history: expect.objectContaining({ action: 'merged', into: first }), agents: { reassignedTo: first, reassigned: agents.length, unwatched: 0 } }));
    expect(await week()).toBe(single);
    expect(await agentsOf(first)).toEqual(agents);
    const checked = await call('POST', `/api/v1/agents/${agents[0]}/health-check`);
    expect(checked.status).toBe(200);
    expect(checked.body.data).toEqual(expect.objectContaining({ connectionId: first, health: 'HEALTHY' }));
    expect(poller.connections.map((c) => c.id)).toEqual([first]);

    // The last connection to the account: its history stays (it is all there is), its agents say why nothing checks them.
    const last = await call('DELETE', `/api/v1/connections/${first}`);
    expect(last.body.data).toEqual(expect.objectContaining({ historyKept: true, history: expect.objectContaining({ action: 'kept' }), agents: { reassignedTo: null, reassigned: 0, unwatched: agents.length } }));
    expect(await week()).toBe(single);
    const unwatched = await call('POST', `/api/v1/agents/${agents[0]}/health-check`);
    expect(unwatched.status).toBe(200);
    expect(unwatched.body.data).toEqual(expect.objectContaining({ connectionId: null, health: 'UNKNOWN', lastError: expect.stringContaining('its connection "OpenAI" was removed') }));
    expect(poller.connections).toEqual([]);
  }, 180_000);

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
