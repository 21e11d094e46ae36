import { buildApp, type App } from '../../src/app';
import { BackfillJobs, measure, parseSince, type BackfillState } from '../../src/poller/backfill';
import { PrometheusSink } from '../../src/metrics/prometheus-sink';
import { Instruments } from '../../src/metrics/instruments.generated';
import { openStores, type Stores } from '../../src/stores';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { quietLogger, testConfig } from '../support/stores';
import { DAY, expectedDays, HOUR, simPoller, storedDays, toCents, truthOf } from '../support/poller';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000;

describe('backfill progress', () => {
  it.each([
    ['90d', NOW - 90 * DAY],
    ['12h', NOW - 12 * HOUR],
    ['2w', NOW - 14 * DAY],
    ['2026-11-01T00:00:00Z', Date.UTC(2026, 10, 1) / 1000],
  ])('reads --since %s', (since, at) => expect(parseSince(since, NOW)).toBe(at));

  it('refuses a --since it cannot read', () => expect(() => parseSince('soon', NOW)).toThrow(/90d, 12h, 2w/));

  it('reads a bare day as its midnight, UTC', () => expect(parseSince('2026-11-01', NOW)).toBe(Date.UTC(2026, 10, 1) / 1000));

  // Date.parse reads "1" as 2001 and "10" as October 2001; none of these is a time to backfill from.
  it.each([
    ['1', /90d, 12h, 2w/],
    ['10', /90d, 12h, 2w/],
    ['2026', /90d, 12h, 2w/],
    ['0d', /covers no time/],
    ['9999999d', /before 2020-01-01/],
    ['2019-12-31', /before 2020-01-01/],
    ['0000-01-01', /before 2020-01-01/],
    ['9999-12-31', /not in the past/],
    ['2026-11-21T00:00:00Z', /not in the past/],
    ['2026-02-30', /not a real date/],
    ['2026-11-01T25:00:00Z', /not a real date/],
    ['2026-11-01T10:61:00+01:00', /not a real date/],
    ['November 1, 2026', /90d, 12h, 2w/],
  ])('refuses --since %s', (since, why) => expect(() => parseSince(since, NOW)).toThrow(why));

  it('measures progress over every feed and projects an ETA from the pace so far', () => {
    const feeds = [
      { feed: 'a', from: 0, to: 100, reached: 100, rows: 5, pages: 1 },
      { feed: 'b', from: 0, to: 300, reached: 0, rows: 0, pages: 0 },
    ];
    expect(measure(feeds, 10)).toEqual({ progress: 0.25, etaSeconds: 30 });
    expect(measure([], 1)).toEqual({ progress: 0, etaSeconds: null });
    expect(measure([{ ...feeds[0]! }], 3)).toEqual({ progress: 1, etaSeconds: 0 });
  });
});

describe('backfill through the collector API (real stores, simulator)', () => {
  let sim: Simulator;
  let stores: Stores;
  let app: App;
  let org: string;
  let connections: { id: string; organizationId: string; vendor: string; source: string }[];
  beforeAll(async () => {
    sim = await startSimulator({ now: NOW, agents: 12 });
    const config = testConfig({ ARM_POLL_TRAILING_HOURS: '1' });
    const sink = new PrometheusSink({ processMetrics: false });
    stores = await openStores(config, new Instruments(sink), quietLogger());
    const made = await simPoller(sim, stores, config, new Instruments(sink));
    org = made.org;
    connections = made.poller.connections.map((c) => ({ id: c.id, organizationId: c.organizationId, vendor: c.vendor, source: c.source }));
    const jobs = new BackfillJobs(made.poller);
    // The jobs take "now" from the simulator's clock, as the poller does.
    const start = jobs.start.bind(jobs);
    jobs.start = (id, since) => start(id, since, NOW);
    app = await buildApp({ config, stores, sink, logger: quietLogger(), tenant: async () => org, backfill: { jobs, connections: () => connections } });
  });
  afterAll(async () => {
    await app.close();
    await sim.close();
    await stores.close();
  });

  it('starts a backfill, reports its progress to the end, and stores exactly the truth', async () => {
    for (const c of connections) {
      const res = await app.inject({ method: 'POST', url: `/api/v1/connections/${c.id}/backfill`, payload: { since: '10d' } });
      expect(res.statusCode).toBe(202);
      expect(res.json().data).toMatchObject({ status: 'running', since: '10d' });
      let state: BackfillState;
      do {
        await new Promise((r) => setTimeout(r, 50));
        state = (await app.inject({ url: `/api/v1/connections/${c.id}/backfill` })).json().data;
      } while (state.status === 'running');
      expect(state).toMatchObject({ status: 'done', progress: 1, etaSeconds: 0, error: null });
      expect(state.rows).toBeGreaterThan(0);
      expect(state.feeds.every((f) => f.reached === f.to)).toBe(true);
    }
    const end = Math.floor(NOW / HOUR) * HOUR;
    const truth = await truthOf(sim, Math.floor((NOW - 10 * DAY) / DAY) * DAY, end);
    expect(toCents(await storedDays(stores, org))).toEqual(toCents(expectedDays(truth)));
  });

  it('lists the connections it polls', async () => {
    const res = await app.inject({ url: '/api/v1/poller/connections' });
    expect(res.json().data.map((c: { vendor: string }) => c.vendor).sort()).toEqual(['ANTHROPIC', 'OPENAI']);
  });

  it('answers a bad request in the error envelope, naming the field', async () => {
    const [c] = connections;
    const bad = await app.inject({ method: 'POST', url: `/api/v1/connections/${c!.id}/backfill`, payload: { since: 'soon' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'body/since' } });
    const missing = await app.inject({ method: 'POST', url: '/api/v1/connections/00000000-0000-4000-8000-000000000000/backfill', payload: { since: '1d' } });
    expect(missing.statusCode).toBe(404);
    const never = await app.inject({ url: '/api/v1/connections/00000000-0000-4000-8000-000000000000/backfill' });
    expect(never.json().error.code).toBe('NOT_FOUND');
    const notUuid = await app.inject({ url: '/api/v1/connections/nope/backfill' });
    expect(notUuid.statusCode).toBe(400);
  });
});
