import type { DiscoveredAgent, HealthProbe } from '../../src/connectors/types';
import { judgeHealth } from '../../src/poller/health-rules';
import { syncInventory } from '../../src/poller/inventory';
import { PrometheusSink } from '../../src/metrics/prometheus-sink';
import { Instruments } from '../../src/metrics/instruments.generated';
import { openStores, type Stores } from '../../src/stores';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { quietLogger, testConfig } from '../support/stores';
import { simPoller } from '../support/poller';
import { uniqueName } from '../support/paths';
import { systemDb, systemTelemetry } from '../support/system-db';
import { asTenant } from '../../src/stores/tenant-scope';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000;
const rules = { failuresForDown: 3, degradedLatencyMs: 2000, degradedErrorRate: 0.2 };
const ok: HealthProbe = { status: 'HEALTHY', latencyMs: 100, details: { exists: true, modelServed: true, probe: 'test' } };
const failed: HealthProbe = { status: 'UNKNOWN', latencyMs: 100, error: '503 overloaded', details: { exists: null, modelServed: null, probe: 'test' } };

describe('health rules', () => {
  it('HEALTHY with a score that falls with latency and errors', () => {
    const fast = judgeHealth(ok, 0, { avgLatencyMs: 100, errorRate: 0 }, rules);
    const slower = judgeHealth(ok, 0, { avgLatencyMs: 1500, errorRate: 0.1 }, rules);
    expect(fast).toMatchObject({ status: 'HEALTHY', consecutiveFailures: 0, error: null });
    expect(fast.healthScore).toBe(98);
    expect(slower.healthScore).toBeLessThan(fast.healthScore);
    expect(slower.healthScore).toBeGreaterThanOrEqual(60);
  });

  it('DEGRADED past the latency or error-rate threshold of the last hour', () => {
    expect(judgeHealth(ok, 0, { avgLatencyMs: 2500, errorRate: 0 }, rules)).toMatchObject({ status: 'DEGRADED', error: expect.stringMatching(/latency 2500 ms/) });
    const errors = judgeHealth(ok, 0, { avgLatencyMs: 100, errorRate: 0.3 }, rules);
    expect(errors).toMatchObject({ status: 'DEGRADED', error: '30% of checks failed over the last hour' });
    expect(errors.healthScore).toBeLessThanOrEqual(59);
  });

  it('a failed check is DEGRADED until the Nth in a row makes it DOWN', () => {
    expect(judgeHealth(failed, 0, { avgLatencyMs: 100, errorRate: 1 }, rules)).toMatchObject({ status: 'DEGRADED', consecutiveFailures: 1 });
    expect(judgeHealth(failed, 1, { avgLatencyMs: 100, errorRate: 1 }, rules)).toMatchObject({ status: 'DEGRADED', consecutiveFailures: 2 });
    expect(judgeHealth(failed, 2, { avgLatencyMs: 100, errorRate: 1 }, rules)).toMatchObject({ status: 'DOWN', consecutiveFailures: 3, healthScore: 0, error: '3 consecutive checks failed; last: 503 overloaded' });
    expect(judgeHealth(ok, 2, { avgLatencyMs: 100, errorRate: 0 }, rules).consecutiveFailures).toBe(0);
  });

  it('DOWN at once when the agent vanished or its model was retired', () => {
    const gone: HealthProbe = { status: 'DOWN', latencyMs: 50, error: 'model x is no longer served by the vendor', details: { exists: true, modelServed: false, probe: 't' } };
    expect(judgeHealth(gone, 0, { avgLatencyMs: 50, errorRate: 0 }, rules)).toMatchObject({ status: 'DOWN', healthScore: 0, error: 'model x is no longer served by the vendor' });
  });
});

describe('inventory sync and health checks against the simulator (real stores)', () => {
  let sim: Simulator;
  let stores: Stores;
  let sink: PrometheusSink;
  beforeEach(async () => {
    sim = await startSimulator({ now: NOW, agents: 16 });
    sink = new PrometheusSink({ processMetrics: false });
    stores = await openStores(testConfig(), new Instruments(sink), quietLogger());
  });
  afterEach(async () => {
    await sim.close();
    await stores.close();
  });
  const agentRows = (org: string) =>
    systemDb(stores.controlPlane).query<{ id: string; vendor_agent_id: string; health: string; last_error: string | null; vanished_at: Date | null; model: string; health_score: number }>(
      "SELECT id, vendor_agent_id, health, last_error, vanished_at, config->>'model' AS model, health_score FROM agents WHERE organization_id = $1",
      [org],
    );

  it('finds every agent healthy, then detects a deleted agent and a retired model', async () => {
    const config = testConfig({ ARM_POLL_BACKFILL_DAYS: '0', ARM_POLL_TRAILING_HOURS: '1' });
    const { org, poller } = await simPoller(sim, stores, config, new Instruments(sink));
    await poller.runOnce();
    const before = await agentRows(org);
    expect(before).toHaveLength(16);
    expect(before.every((a) => a.health === 'HEALTHY' && a.health_score >= 60)).toBe(true);

    const deleted = sim.state.world.agents.find((a) => a.vendor === 'openai')!;
    const retiredModel = sim.state.world.agents.find((a) => a.vendor === 'anthropic')!.model.id;
    await fetch(`${sim.url}/_sim/agents/${deleted.id}/delete`, { method: 'POST' });
    await fetch(`${sim.url}/_sim/models/${retiredModel}/retire`, { method: 'POST' });
    await poller.runOnce();

    const after = await agentRows(org);
    const gone = after.find((a) => a.vendor_agent_id === deleted.id)!;
    expect(gone).toMatchObject({ health: 'DOWN', last_error: 'the agent no longer exists at the vendor' });
    expect(gone.vanished_at).not.toBeNull();
    const onRetired = after.filter((a) => a.model === retiredModel);
    expect(onRetired.length).toBeGreaterThan(0);
    for (const a of onRetired) expect(a).toMatchObject({ health: 'DOWN', last_error: `model ${retiredModel} is no longer served by the vendor` });
    const rest = after.filter((a) => a.model !== retiredModel && a.vendor_agent_id !== deleted.id);
    expect(rest.every((a) => a.health === 'HEALTHY')).toBe(true);

    const text = await sink.render();
    expect(text).toContain(`ai_arm_agent_health{organization_id="${org}",gen_ai_provider_name="openai",gen_ai_agent_id="${gone.id}",health_status="down"} 1`);
    const [stored] = await systemTelemetry(stores.telemetry).query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.agent_health_checks WHERE organization_id = {org:UUID}', { org });
    expect(stored!.n).toBe(16 + 15); // the vanished agent is no longer probed
    // Every probe's latency is in gen_ai.client.operation.duration; failed ones carry error_type.
    const probes = [...text.matchAll(/^gen_ai_client_operation_duration_seconds_count\{organization_id="[^"]+",gen_ai_operation_name="invoke_agent",[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(probes).toBe(16 + 15);
    expect(text).toMatch(/gen_ai_client_operation_duration_seconds_count\{organization_id="[^"]+",gen_ai_operation_name="invoke_agent",gen_ai_provider_name="anthropic",gen_ai_request_model="[^"]+",error_type="_OTHER"\} [1-9]/);
  });

  it('marks agents DOWN after consecutive failed checks, and skips paused ones', async () => {
    const config = testConfig({ ARM_VENDOR_MAX_RETRIES: '0', ARM_HEALTH_FAILURES_DOWN: '2' });
    const { org, poller } = await simPoller(sim, stores, config, new Instruments(sink));
    const [conn] = poller.connections;
    await poller.inventory(conn!);
    const [paused] = await systemDb(stores.controlPlane).query<{ id: string }>("UPDATE agents SET status = 'PAUSED' WHERE id = (SELECT id FROM agents WHERE organization_id = $1 AND connection_id = $2 LIMIT 1) RETURNING id", [org, conn!.id]);
    sim.state.opts.faultRate = 1;
    expect(await poller.health(conn!)).toMatchObject({ DEGRADED: 8, DOWN: 0 });
    expect(await poller.health(conn!)).toMatchObject({ DEGRADED: 0, DOWN: 8 });
    const rows = await agentRows(org);
    const mine = rows.filter((r) => r.id !== paused!.id && r.vendor_agent_id.startsWith('asst_'));
    expect(mine.every((r) => r.health === 'DOWN' && /2 consecutive checks failed/.test(r.last_error ?? ''))).toBe(true);
    expect(rows.find((r) => r.id === paused!.id)!.health).toBe('UNKNOWN');
  });

  it('a check asked for during a scheduled run waits its turn, so two failures in a row count as two', async () => {
    const config = testConfig({ ARM_VENDOR_MAX_RETRIES: '0', ARM_HEALTH_FAILURES_DOWN: '2' });
    const { poller } = await simPoller(sim, stores, config, new Instruments(sink));
    const [conn] = poller.connections;
    await poller.inventory(conn!);
    sim.state.opts.faultRate = 1;
    // Side by side, both runs would read no failures so far and both judge the agents DEGRADED.
    const [first, second] = await Promise.all([poller.health(conn!), poller.health(conn!)]);
    expect(first.DEGRADED).toBeGreaterThan(0);
    expect(first.DOWN).toBe(0);
    expect(second).toMatchObject({ DEGRADED: 0, DOWN: first.DEGRADED });
  });

  it('inventory sync adds, updates, marks vanished and brings back, counting each', async () => {
    const [{ id: org }] = (await systemDb(stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [uniqueName('inv').replace(/_/g, '-')])) as [{ id: string }];
    const [{ id: conn }] = (await systemDb(stores.controlPlane).query<{ id: string }>("INSERT INTO connections (organization_id, vendor, name, credential_hint, source) VALUES ($1, 'OPENAI', 'x', '…abcd', 'env') RETURNING id", [org])) as [{ id: string }];
    const agent = (id: string, name: string): DiscoveredAgent => ({ vendor: 'OPENAI', vendorAgentId: id, name, type: 'ASSISTANT', config: { model: 'gpt-4o' }, metadata: {}, createdAt: '2026-01-01T00:00:00Z' });
    expect(await asTenant(org, () => syncInventory(stores.controlPlane, org, conn, [agent('a1', 'One'), agent('a2', 'Two')]))).toEqual({ discovered: 2, added: 2, changed: 0, vanished: 0 });
    expect(await asTenant(org, () => syncInventory(stores.controlPlane, org, conn, [agent('a1', 'One'), agent('a2', 'Two')]))).toEqual({ discovered: 2, added: 0, changed: 0, vanished: 0 });
    expect(await asTenant(org, () => syncInventory(stores.controlPlane, org, conn, [agent('a1', 'One renamed')]))).toEqual({ discovered: 1, added: 0, changed: 1, vanished: 1 });
    expect(await asTenant(org, () => syncInventory(stores.controlPlane, org, conn, [agent('a1', 'One renamed'), agent('a2', 'Two')]))).toEqual({ discovered: 2, added: 0, changed: 1, vanished: 0 });
    const rows = await systemDb(stores.controlPlane).query<{ vendor_agent_id: string; name: string; vanished_at: Date | null }>('SELECT vendor_agent_id, name, vanished_at FROM agents WHERE organization_id = $1 ORDER BY vendor_agent_id', [org]);
    expect(rows).toEqual([{ vendor_agent_id: 'a1', name: 'One renamed', vanished_at: null }, { vendor_agent_id: 'a2', name: 'Two', vanished_at: null }]);
  });
});
