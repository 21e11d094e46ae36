import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentView, AgentVersion, Interaction, Organization, QualityAlert } from '@ai-arm/schemas';
import { randomToken } from '../../src/auth/tokens';
import { DEMO_INGEST_KEY_FILE, DEMO_INGEST_KEY_NAME, ensureDemoIngestKey } from '../../src/cli/demo-agents';
import { DEMO_HISTORY_FILE } from '../../src/cli/demo-history';
import { startCollector, type RunningCollector } from '../../src/server';
import { IN_HOUSE_AGENT } from '../../src/simulator/agent-traffic';
import { quietLogger, testConfig } from '../support/stores';
import { sampleTotal, until } from '../support/wait';

/** `npm start` without vendor keys: the simulated agents push their requests, and every push view fills. */
describe('demo mode pushes the simulated agents’ requests as OTLP spans (collector on the embedded stores)', () => {
  const admin = `arm_sk_live_${randomToken()}`;
  const config = testConfig({ ARM_BOOTSTRAP_API_KEY: admin, ARM_OTLP_GRPC_PORT: '0' });
  let collector: RunningCollector;
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${collector.url}${path}`, { headers: { authorization: `Bearer ${admin}` } });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { data: T }).data;
  };
  beforeAll(async () => {
    // The demo's past is imported once per data directory, which this worker's other demo starts share: a first start here.
    rmSync(join(config.dataDir, DEMO_HISTORY_FILE), { force: true });
    collector = await startCollector(config, quietLogger());
  });
  afterAll(async () => {
    await collector?.close();
  });

  it('within seconds: the in-house agent registered as CUSTOM with interactions and a version, vendor agents with theirs, and the latency histogram in /metrics', async () => {
    expect(config.demoMode).toBe(true);
    const push = await collector.demoAgents!.started;
    expect(push).not.toBeNull();
    // Not waiting for a minute of traffic: a few ticks' worth of requests at once.
    for (let i = 0; i < 40; i++) push!.tick();

    const inHouse = await until('the in-house agent with interactions', async () => {
      const [agent] = await get<AgentView[]>(`/api/v1/agents?vendor=CUSTOM&q=${IN_HOUSE_AGENT.name}`);
      if (!agent) return undefined;
      const interactions = await get<Interaction[]>(`/api/v1/agents/${agent.id}/interactions`);
      return interactions.length > 0 ? { agent, interactions } : undefined;
    }, 20_000);
    expect(inHouse.agent).toMatchObject({ name: IN_HOUSE_AGENT.name, vendor: 'CUSTOM', type: 'CUSTOM' });
    expect(inHouse.interactions[0]).toMatchObject({ source: 'otlp', vendor: 'openai', model: 'gpt-4o-mini', conversationId: expect.stringMatching(/^conv_/), version: expect.any(Number) });
    const versions = await get<AgentVersion[]>(`/api/v1/agents/${inHouse.agent.id}/versions`);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions[0]!.toolNames.length).toBeGreaterThan(0);

    // A vendor agent's requests land on the polled agent, not on a CUSTOM twin of it.
    const vendorAgents = [...(await get<AgentView[]>('/api/v1/agents?vendor=OPENAI&limit=200')), ...(await get<AgentView[]>('/api/v1/agents?vendor=ANTHROPIC&limit=200'))];
    expect(vendorAgents.length).toBeGreaterThan(0);
    const pushedTo = await until('a vendor agent with interactions', async () => {
      for (const a of vendorAgents) if ((await get<Interaction[]>(`/api/v1/agents/${a.id}/interactions?limit=1`)).length > 0) return a;
      return undefined;
    }, 20_000);
    expect(collector.simulator!.state.world.agents.map((a) => a.id)).toContain(pushedTo.vendorAgentId);
    const custom = await get<AgentView[]>('/api/v1/agents?vendor=CUSTOM&limit=200');
    expect(custom.filter((a) => /^(asst|agent)_/.test(a.vendorAgentId))).toEqual([]);

    // The pushed requests' series (the vendor reports count theirs under source="vendor_report").
    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    const pushed = metrics.split('\n').filter((l) => l.startsWith('ai_arm_requests_total{') && l.includes('source="push"'));
    expect(sampleTotal(pushed.join('\n'), 'ai_arm_requests_total')).toBeGreaterThan(0);
    const inHouseModel = metrics.split('\n').filter((l) => l.startsWith('gen_ai_client_operation_duration_seconds_count{') && l.includes('gen_ai_request_model="gpt-4o-mini"'));
    expect(sampleTotal(inHouseModel.join('\n'), 'gen_ai_client_operation_duration_seconds_count')).toBeGreaterThan(0);
  });

  it("gives the demo a past week (imported through the ingest API) and a drift: the busiest agent's latency drifted up, found by the monitor's first run, with content kept for quality", async () => {
    const sent = await collector.demoAgents!.history;
    expect(sent).toBeGreaterThan(5000);
    const marker = JSON.parse(readFileSync(join(config.dataDir, DEMO_HISTORY_FILE), 'utf8')) as { agent: string; regressionSinceMs: number; requests: number };
    expect(marker.requests).toBe(sent);
    const org = collector.poller.connections[0]!.organizationId;
    const slowed = (await get<AgentView[]>('/api/v1/agents?limit=200')).find((a) => a.name === marker.agent)!;
    const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString();
    expect((await get<Interaction[]>(`/api/v1/agents/${slowed.id}/interactions?from=${weekAgo}&to=${new Date(Date.now() - 6 * 86_400_000).toISOString()}&limit=1`)).length).toBe(1);
    // The rows reach ClickHouse through the spool a moment after acceptance. Its last day holds far more than the monitor's 30 samples (at one in 30 agents' share it once held about 35, and some starts showed no drift).
    const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
    await until('100 requests of the slowed agent in its last day', async () => ((await get<Interaction[]>(`/api/v1/agents/${slowed.id}/interactions?from=${dayAgo}&limit=100`)).length === 100 ? true : undefined), 30_000);
    // The monitor runs once the past is in.
    const drift = await until('a latency drift alert for the slowed agent', async () => {
      await collector.quality.checkDrift(org, slowed.id);
      return (await get<QualityAlert[]>(`/api/v1/quality/alerts?type=DRIFT&agentId=${slowed.id}`)).find((a) => a.metric === 'latency');
    }, 30_000);
    expect(drift).toMatchObject({ status: 'OPEN', type: 'DRIFT', metric: 'latency' });
    expect(drift.message).toContain('latency drifted up');
    expect((await get<Organization>(`/api/v1/organizations/${org}`)).contentCapture).toBe(true);
  });

  it('reuses the saved key at the next start, issues a new one when none is saved, and issues none once the saved one was revoked', async () => {
    const file = join(config.dataDir, DEMO_INGEST_KEY_FILE);
    const saved = readFileSync(file, 'utf8').trim();
    const org = collector.poller.connections[0]!.organizationId;
    expect(await ensureDemoIngestKey(collector.stores.controlPlane, org, file)).toBe(saved);
    const other = join(config.dataDir, `other-${randomToken(8)}.key`);
    const fresh = await ensureDemoIngestKey(collector.stores.controlPlane, org, other);
    expect(fresh).toMatch(/^arm_sk_live_/);
    expect(fresh).not.toBe(saved);
    const keys = await get<{ id: string; prefix: string; revokedAt: string | null }[]>('/api/v1/api-keys');
    const id = keys.find((k) => fresh!.startsWith(k.prefix.replace(/[.]+$/, '')) && !k.revokedAt)!.id;
    expect((await fetch(`${collector.url}/api/v1/api-keys/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } })).status).toBe(200);
    expect(await ensureDemoIngestKey(collector.stores.controlPlane, org, other)).toBeNull();
  });

  it('sends with an ingest key of its own, kept owner-only in the data directory, and flushes every span before the collector closes', async () => {
    const file = join(config.dataDir, DEMO_INGEST_KEY_FILE);
    expect(statSync(file).mode & 0o077).toBe(0);
    const key = readFileSync(file, 'utf8').trim();
    const me = await fetch(`${collector.url}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    // An ingest key may send telemetry and nothing else.
    expect(me.status).toBe(403);
    const keys = await get<{ name: string; role: string; revokedAt: string | null }[]>('/api/v1/api-keys');
    expect(keys.filter((k) => k.name === DEMO_INGEST_KEY_NAME && !k.revokedAt).map((k) => k.role)).toEqual(['ingest']);

    const push = (await collector.demoAgents!.started)!;
    for (let i = 0; i < 8; i++) push.tick();
    await collector.close();
    expect(push.stats.spans).toBeGreaterThan(0);
    expect(push.stats).toMatchObject({ exported: push.stats.spans, failed: 0 });
  });
});
