import type { DriftEvent, QualitySettings } from '@ai-arm/schemas';
import { miniLm } from '../../src/embeddings/minilm';
import { versionShape, VersionRegistry } from '../../src/interactions/versions';
import { QUALITY_DEFAULTS } from '../../src/quality/settings';
import { listDriftEvents, readDriftEvent } from '../../src/quality/drift/reads';
import { runDriftCheck, type DriftDeps } from '../../src/quality/drift/run';
import { openStores, type Stores } from '../../src/stores';
import { asTenant } from '../../src/stores/tenant-scope';
import { CONTROL_PLANE, quietLogger, testConfig, testMetrics } from '../support/stores';
import { systemDb, systemTelemetry } from '../support/system-db';
import { interactionRow, normal, rng, type RowShape } from './drift-support';

const HOUR = 3_600_000;
/** A fixed "now" on a whole hour: the windows are [now-192h, now-24h) and [now-24h, now). */
const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const SETTINGS: QualitySettings = { ...QUALITY_DEFAULTS };

/**
 * Drift detection on real chdb and PGlite: rows with a known shift in the current window give
 * an event with the right metric, direction and version; stable rows give none; a check run
 * again stores nothing more; minSamples holds; another organisation's rows never count or show.
 */
describe(`drift detection (real chdb and ${CONTROL_PLANE})`, () => {
  let stores: Stores;
  let deps: DriftDeps;
  let orgA: string;
  let orgB: string;
  let registry: VersionRegistry;
  const V1 = versionShape('gpt-4o-mini', 'Be helpful.', []);
  const V2 = versionShape('gpt-4o-mini', 'Be helpful and brief.', ['search']);

  const newAgent = async (org: string, name: string) => {
    const [a] = await systemDb(stores.controlPlane).query<{ id: string }>("INSERT INTO agents (organization_id, vendor, vendor_agent_id, name) VALUES ($1, 'CUSTOM', $2, $2) RETURNING id", [org, name]);
    await asTenant(org, () => registry.versionOf(org, a!.id, V1, NOW - 200 * HOUR));
    return a!.id;
  };

  /** `perHour` rows an hour over [fromMs, toMs), their shape from `shape(r, atMs)`. */
  const seed = async (org: string, agent: string, fromMs: number, toMs: number, perHour: number, shape: (r: () => number, atMs: number) => Partial<RowShape>, seedNo = 1) => {
    const r = rng(seedNo);
    const rows: Record<string, unknown>[] = [];
    for (let h = fromMs; h < toMs; h += HOUR) {
      for (let i = 0; i < perHour; i++) {
        const at = h + Math.floor(r() * HOUR);
        const base: RowShape = { latencyMs: Math.exp(Math.log(800) + 0.3 * normal(r)), tokens: Math.round(Math.exp(Math.log(600) + 0.2 * normal(r))), error: r() < 0.01, refusal: false, outputChars: Math.round(Math.exp(Math.log(400) + 0.3 * normal(r))), fingerprint: V1.fingerprint };
        rows.push(interactionRow(org, agent, `${agent.slice(0, 8)}-${seedNo}-${at}-${i}`, at, { ...base, ...shape(r, at) }));
      }
    }
    for (let i = 0; i < rows.length; i += 5000) await stores.telemetry.insert('interactions', rows.slice(i, i + 5000));
  };
  const stable = (org: string, agent: string, seedNo = 1) => seed(org, agent, NOW - 192 * HOUR, NOW, 6, () => ({}), seedNo);
  const check = (org: string, agent: string, settings = SETTINGS, now = NOW) => runDriftCheck(deps, org, agent, settings, now);
  const byMetric = (events: DriftEvent[], metric: string) => events.find((e) => e.metric === metric);

  beforeAll(async () => {
    stores = await openStores(testConfig(), testMetrics().metrics, quietLogger());
    deps = { telemetry: stores.telemetry, controlPlane: stores.controlPlane };
    registry = new VersionRegistry(stores.controlPlane);
    const org = async (slug: string) => (await systemDb(stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [`${slug}-${Date.now()}`]))[0]!.id;
    orgA = await org('drift-a');
    orgB = await org('drift-b');
  });
  afterAll(async () => {
    await registry.close();
    await stores.close();
  });

  it('a baseline of one value and a change of a fifth of a percent is no drift: PSI is not judged on a baseline with no spread', async () => {
    const agent = await newAgent(orgA, 'constant-tokens');
    await seed(orgA, agent, NOW - 192 * HOUR, NOW - 24 * HOUR, 6, () => ({ tokens: 500 }));
    await seed(orgA, agent, NOW - 24 * HOUR, NOW, 6, () => ({ tokens: 501 }), 2);
    const events = await check(orgA, agent);
    expect(byMetric(events, 'tokens_per_request')).toBeUndefined();
  });

  it('finds latency doubled by a new version: metric, direction, method, version, versionChanged, the slowest requests as samples; stored once', async () => {
    const agent = await newAgent(orgA, 'slow-after-v2');
    const v2 = await asTenant(orgA, () => registry.versionOf(orgA, agent, V2, NOW - 20 * HOUR));
    expect(v2).toBe(2);
    await seed(orgA, agent, NOW - 192 * HOUR, NOW - 20 * HOUR, 6, () => ({}));
    await seed(orgA, agent, NOW - 20 * HOUR, NOW, 6, (r) => ({ latencyMs: Math.exp(Math.log(1600) + 0.3 * normal(r)), fingerprint: V2.fingerprint }), 2);

    const events = await check(orgA, agent);
    const latency = byMetric(events, 'latency');
    expect(latency).toMatchObject({ agentId: agent, metric: 'latency', method: 'sigma', direction: 'up', version: 2, versionChanged: true, detectedAt: new Date(NOW).toISOString() });
    expect(latency!.deviation).toBeGreaterThan(3);
    expect(latency!.currentValue / latency!.baselineValue).toBeGreaterThan(1.6);
    expect(latency!.currentValue / latency!.baselineValue).toBeLessThan(2.3);
    expect(latency!.current).toEqual({ from: new Date(NOW - 24 * HOUR).toISOString(), to: new Date(NOW).toISOString(), samples: expect.any(Number) });
    expect(latency!.baseline.from).toBe(new Date(NOW - 192 * HOUR).toISOString());
    expect(latency!.baseline.samples).toBeGreaterThan(900);
    // Only latency moved.
    expect(events.map((e) => e.metric)).toEqual(['latency']);

    // The samples are the 20 slowest requests of the current window.
    expect(latency!.samples).toHaveLength(20);
    const slowest = await systemTelemetry(stores.telemetry).query<{ id: string }>(
      "SELECT id FROM {db:Identifier}.interactions FINAL WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} AND started_at >= {cur:DateTime64(3, 'UTC')} ORDER BY duration_ms DESC LIMIT 20",
      { org: orgA, agent, cur: '2026-06-14 12:00:00.000' },
    );
    expect(latency!.samples).toEqual(slowest.map((s) => s.id));

    // Stored, and stored once: the same check again returns nothing new.
    const listed = await asTenant(orgA, () => listDriftEvents(stores.telemetry, { organizationId: orgA, agentId: agent, from: new Date(NOW - HOUR), to: new Date(NOW + HOUR), limit: 50 }));
    expect(listed).toEqual(events);
    expect(await check(orgA, agent)).toEqual([]);
    expect(await asTenant(orgA, () => listDriftEvents(stores.telemetry, { organizationId: orgA, agentId: agent, from: new Date(NOW - HOUR), to: new Date(NOW + HOUR), limit: 50 }))).toHaveLength(1);
    expect(await asTenant(orgA, () => readDriftEvent(stores.telemetry, orgA, agent, latency!.id))).toEqual(latency);
    // An hour later the window starts elsewhere: that is another event (the monitor keeps one alert open per drift).
    const later = await check(orgA, agent, SETTINGS, NOW + HOUR);
    expect(later.map((e) => [e.metric, e.versionChanged])).toEqual([['latency', true]]);
    expect(later[0]!.id).not.toBe(latency!.id);
  });

  it('finds nothing on a stable agent with noise, and nothing without a baseline', async () => {
    const agent = await newAgent(orgA, 'steady');
    await stable(orgA, agent, 3);
    expect(await check(orgA, agent)).toEqual([]);
    const fresh = await newAgent(orgA, 'no-history');
    await seed(orgA, fresh, NOW - 24 * HOUR, NOW, 6, () => ({ latencyMs: 5000 }));
    expect(await check(orgA, fresh)).toEqual([]);
  });

  it('finds an error-rate rise (errors as samples), with the version unchanged', async () => {
    const agent = await newAgent(orgA, 'failing');
    await seed(orgA, agent, NOW - 192 * HOUR, NOW - 24 * HOUR, 6, () => ({}), 4);
    await seed(orgA, agent, NOW - 24 * HOUR, NOW, 6, (r) => ({ error: r() < 0.15 }), 5);
    const events = await check(orgA, agent);
    const e = byMetric(events, 'error_rate');
    expect(e).toMatchObject({ method: 'sigma', direction: 'up', version: 1, versionChanged: false, psi: null });
    expect(e!.baselineValue).toBeLessThan(0.03);
    expect(e!.currentValue).toBeGreaterThan(0.08);
    const statuses = await systemTelemetry(stores.telemetry).query<{ status: string }>('SELECT status FROM {db:Identifier}.interactions FINAL WHERE organization_id = {org:UUID} AND id IN {ids:Array(String)}', { org: orgA, ids: e!.samples });
    expect(statuses.length).toBe(e!.samples.length);
    expect(statuses.every((s) => s.status === 'error')).toBe(true);
  });

  it('calls a wider spread of latency with the same median a shift, found by PSI', async () => {
    const agent = await newAgent(orgA, 'erratic');
    await seed(orgA, agent, NOW - 192 * HOUR, NOW - 24 * HOUR, 6, (r) => ({ latencyMs: Math.exp(Math.log(800) + 0.15 * normal(r)) }), 6);
    await seed(orgA, agent, NOW - 24 * HOUR, NOW, 6, (r) => ({ latencyMs: Math.exp(Math.log(800) + 0.9 * normal(r)) }), 7);
    const e = byMetric(await check(orgA, agent), 'latency');
    expect(e).toMatchObject({ method: 'psi', direction: 'shift' });
    expect(e!.psi).toBeGreaterThan(0.25);
    expect(Math.abs(e!.deviation)).toBeLessThan(1);
  });

  it('judges a window only with minSamples requests in it', async () => {
    const agent = await newAgent(orgA, 'quiet');
    await seed(orgA, agent, NOW - 192 * HOUR, NOW - 24 * HOUR, 6, () => ({}), 8);
    // 20 requests in the current window, all slow.
    await seed(orgA, agent, NOW - 20 * HOUR, NOW, 1, () => ({ latencyMs: 4000 }), 9);
    expect(await check(orgA, agent, { ...SETTINGS, minSamples: 30 })).toEqual([]);
    const few = await check(orgA, agent, { ...SETTINGS, minSamples: 20 });
    expect(byMetric(few, 'latency')).toMatchObject({ direction: 'up', current: expect.objectContaining({ samples: 20 }) });
  });

  it("keeps organisations apart: another organisation's rows under the same agent id neither count nor show", async () => {
    const agent = await newAgent(orgA, 'shared-id');
    await stable(orgA, agent, 10);
    // Organisation B's rows under A's agent id: a heavy shift, and more rows than A has.
    await seed(orgB, agent, NOW - 192 * HOUR, NOW - 24 * HOUR, 6, () => ({}), 11);
    await seed(orgB, agent, NOW - 24 * HOUR, NOW, 30, (r) => ({ latencyMs: 9000, error: r() < 0.5 }), 12);
    expect(await check(orgA, agent)).toEqual([]);
    const inB = await check(orgB, agent);
    expect(inB.map((e) => e.metric).sort()).toEqual(['error_rate', 'latency']);
    // B's events: B sees them, A does not.
    const list = (org: string) => asTenant(org, () => listDriftEvents(stores.telemetry, { organizationId: org, agentId: agent, from: new Date(NOW - HOUR), to: new Date(NOW + HOUR), limit: 50 }));
    expect(await list(orgA)).toEqual([]);
    expect((await list(orgB)).length).toBe(2);
    expect(await asTenant(orgA, () => readDriftEvent(stores.telemetry, orgA, agent, inB[0]!.id))).toBeNull();
  });

  it('finds answers that moved to another subject by their embeddings (the real MiniLM model), where content is kept', async () => {
    const agent = await newAgent(orgA, 'wandering');
    const topicsBefore = ['To reset your password, open Settings and choose Security.', 'Your invoice is available under Billing in your account.', 'You can change your shipping address before the order ships.', 'Refunds reach your card within five business days.'];
    const topicsAfter = ['Preheat the oven to 200 degrees and roast the vegetables.', 'Whisk the eggs with sugar until pale, then fold in flour.', 'Simmer the tomato sauce for twenty minutes with basil.', 'Season the soup with salt and a little lemon juice.'];
    const answer = (topics: string[]) => (r: () => number) => {
      const t = topics[Math.floor(r() * topics.length)]!;
      const a = `${t} Let me know if there is anything else (ref ${Math.floor(r() * 1000)}).`;
      return { answer: a, outputChars: a.length };
    };
    // 1 an hour over the last 3 days of the baseline (72), 2 an hour in the current window (48): under the 200 sampled per window.
    await seed(orgA, agent, NOW - 96 * HOUR, NOW - 24 * HOUR, 1, answer(topicsBefore), 13);
    await seed(orgA, agent, NOW - 24 * HOUR, NOW, 2, answer(topicsAfter), 14);
    const without = await check(orgA, agent);
    expect(byMetric(without, 'answer_embedding')).toBeUndefined();
    const events = await runDriftCheck({ ...deps, embedder: miniLm }, orgA, agent, SETTINGS, NOW);
    const e = byMetric(events, 'answer_embedding');
    expect(e).toMatchObject({ direction: 'up', baseline: expect.objectContaining({ samples: 72 }), current: expect.objectContaining({ samples: 48 }) });
    expect(e!.psi).toBeGreaterThan(1);
    expect(e!.currentValue).toBeGreaterThan(e!.baselineValue);
    expect(e!.samples).toHaveLength(20);
  }, 120_000);
});
