import { loadPriceTable } from '@ai-arm/schemas';
import { costStateRefresher } from '../../src/costs/after-poll';
import { CostAlertStore } from '../../src/costs/cost-alerts';
import { CostService } from '../../src/costs/service';
import { openActivityLog } from '../../src/logs/activity';
import { openConnections } from '../../src/poller/connections';
import { Poller } from '../../src/poller/poller';
import { openStores, type Stores } from '../../src/stores';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { asTenant } from '../../src/stores/tenant-scope';
import { simEndpoints } from '../support/poller';
import { CONTROL_PLANE, quietLogger, testConfig, testMetrics } from '../support/stores';
import { systemDb, systemTelemetry } from '../support/system-db';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000;

describe(`cost state after a poll (real chdb and ${CONTROL_PLANE}, simulator)`, () => {
  let sim: Simulator;
  let stores: Stores;
  afterAll(async () => {
    await sim?.close();
    await stores?.close();
  });

  it('refreshes one organisation once at a time, so two connections finishing together report an alert firing once', async () => {
    sim = await startSimulator({ now: NOW, agents: 8 });
    const config = testConfig({ ARM_POLL_BACKFILL_DAYS: '1' });
    const { metrics } = testMetrics();
    stores = await openStores(config, metrics, quietLogger());
    const logs = openActivityLog({ writer: stores.writer, serviceName: 'ai-arm-test', otlpEndpoint: null });
    const [org] = await systemDb(stores.controlPlane).query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('Refresh', $1) RETURNING id", [`refresh-${Date.now()}`]);
    const orgId = org!.id;
    await asTenant(orgId, () => new CostAlertStore(stores.controlPlane).create(orgId, { name: 'any spend', alertType: 'THRESHOLD', threshold: '0.01', period: 'DAY' }));
    const refresh = costStateRefresher(new CostService(stores, loadPriceTable()), stores.controlPlane, metrics, quietLogger(), logs.activity);

    // The real refresh, held open a while after it has judged the alerts: without one-at-a-time,
    // the second connection's refresh would start inside it and judge the same old state.
    let active = 0;
    let mostAtOnce = 0;
    let calls = 0;
    const afterReports = async (organizationId: string, now: Date) => {
      calls++;
      mostAtOnce = Math.max(mostAtOnce, ++active);
      try {
        await refresh(organizationId, now);
        await new Promise((r) => setTimeout(r, 1500));
      } finally {
        active--;
      }
    };
    const connections = await openConnections(stores.controlPlane, orgId, 'env', simEndpoints(sim), metrics, 0);
    const poller = new Poller({ config, stores, metrics, log: quietLogger(), now: () => sim.state.now(), activity: logs.activity, costs: { afterReports } }, connections);
    expect(connections.map((c) => c.vendor).sort()).toEqual(['ANTHROPIC', 'OPENAI']);

    await Promise.all(connections.map((c) => poller.reports(c)));
    await logs.shutdown();
    await stores.writer.flush();

    expect(calls).toBe(2);
    expect(mostAtOnce).toBe(1);
    const [alerts] = await systemTelemetry(stores.telemetry).query<{ n: number }>(
      "SELECT count() AS n FROM {db:Identifier}.otel_logs WHERE OrganizationId = {org:UUID} AND EventName = 'ai_arm.cost.alert'",
      { org: orgId },
    );
    expect(alerts!.n).toBe(1);
    const [stored] = await asTenant(orgId, () => new CostAlertStore(stores.controlPlane).list(orgId));
    expect(stored!.firing).toBe(true);
  });
});
