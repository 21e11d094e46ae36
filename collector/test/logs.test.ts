import { loadPriceTable } from '@ai-arm/schemas';
import { costStateRefresher } from '../src/costs/after-poll';
import { CostAlertStore } from '../src/costs/cost-alerts';
import { CostService } from '../src/costs/service';
import { openActivityLog } from '../src/logs/activity';
import { openConnections } from '../src/poller/connections';
import { Poller } from '../src/poller/poller';
import { openStores, type Stores } from '../src/stores';
import { startSimulator, type Simulator } from '../src/simulator/server';
import { asTenant } from '../src/stores/tenant-scope';
import { otlpCaptureServer } from './support/capture';
import { simEndpoints } from './support/poller';
import { CONTROL_PLANE, quietLogger, testConfig, testMetrics } from './support/stores';
import { systemDb, systemTelemetry } from './support/system-db';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000 + 1234;
type LogsBody = { resourceLogs: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeLogs: { logRecords: { eventName?: string }[] }[] }[] };

describe(`OpenTelemetry log records of the collector (real chdb and ${CONTROL_PLANE}; OTLP into a capture server)`, () => {
  let sim: Simulator;
  let stores: Stores;

  beforeAll(async () => {
    sim = await startSimulator({ now: NOW, agents: 12 });
  });
  afterAll(async () => {
    await sim?.close();
    await stores?.close();
  });

  it('poll runs, vendor errors, health changes and cost alerts land in otel_logs and reach the OTLP endpoint', async () => {
    const capture = await otlpCaptureServer();
    const config = testConfig({ ARM_POLL_BACKFILL_DAYS: '1' });
    const { metrics } = testMetrics();
    stores = await openStores(config, metrics, quietLogger());
    const logs = openActivityLog({ writer: stores.writer, serviceName: 'ai-arm-test', otlpEndpoint: capture.url });
    const [org] = await systemDb(stores.controlPlane).query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('Logs', $1) RETURNING id", [`logs-${Date.now()}`]);
    const orgId = org!.id;
    const costs = new CostService(stores, loadPriceTable());
    await asTenant(orgId, () => new CostAlertStore(stores.controlPlane).create(orgId, { name: 'any spend', alertType: 'THRESHOLD', threshold: '0.01', period: 'DAY' }));
    const connections = await openConnections(stores.controlPlane, orgId, 'env', simEndpoints(sim, { anthropic: 'sk-ant-wrong' }), metrics, 0);
    const poller = new Poller(
      {
        config,
        stores,
        metrics,
        log: quietLogger(),
        now: () => sim.state.now(),
        activity: logs.activity,
        costs: { afterReports: costStateRefresher(costs, stores.controlPlane, metrics, quietLogger(), logs.activity) },
      },
      connections,
    );
    const openai = connections.find((c) => c.vendor === 'OPENAI')!;
    await poller.inventory(openai);
    await poller.health(openai);
    await poller.reports(openai);
    // A model retired at the vendor: its agents go DOWN, a health change.
    const agent = sim.state.world.agents.find((a) => a.vendor === 'openai')!;
    await fetch(`${sim.url}/_sim/models/${agent.model.id}/retire`, { method: 'POST' });
    await poller.health(openai);
    // The Anthropic key is wrong: the vendor error is a record too (start() runs it through the guard).
    poller.start();
    await new Promise((r) => setTimeout(r, 1500));
    await poller.stop();
    await logs.shutdown();
    await stores.writer.flush();

    const rows = await systemTelemetry(stores.telemetry).query<{ EventName: string; n: number; orgs: number; severity: string }>(
      `SELECT EventName, count() AS n, uniqExact(OrganizationId) AS orgs, any(SeverityText) AS severity FROM {db:Identifier}.otel_logs
        WHERE OrganizationId = {org:UUID} GROUP BY EventName ORDER BY EventName`,
      { org: orgId },
    );
    const byEvent = Object.fromEntries(rows.map((r) => [r.EventName, r]));
    expect(Object.keys(byEvent)).toEqual(expect.arrayContaining(['ai_arm.poll.run', 'ai_arm.vendor.error', 'ai_arm.agent.health_changed', 'ai_arm.cost.alert']));
    expect(byEvent['ai_arm.vendor.error']!.severity).toBe('ERROR');
    const [down] = await systemTelemetry(stores.telemetry).query<{ Body: string; to: string }>(
      `SELECT Body, LogAttributes['ai_arm.health.to'] AS to FROM {db:Identifier}.otel_logs WHERE OrganizationId = {org:UUID} AND EventName = 'ai_arm.agent.health_changed' AND LogAttributes['ai_arm.health.to'] = 'DOWN' LIMIT 1`,
      { org: orgId },
    );
    expect(down?.Body).toMatch(/to DOWN/);

    const otlp = capture.received.filter((r) => r.path === '/v1/logs') as { body: LogsBody }[];
    expect(otlp.length).toBeGreaterThan(0);
    const events = otlp.flatMap((r) => r.body.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((l) => l.eventName))));
    expect(events).toEqual(expect.arrayContaining(['ai_arm.poll.run', 'ai_arm.cost.alert']));
    const service = otlp[0]!.body.resourceLogs[0]!.resource.attributes.find((a) => a.key === 'service.name');
    expect(service?.value.stringValue).toBe('ai-arm-test');
    await capture.close();
  });
});
