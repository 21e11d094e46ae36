import { Instruments } from '../../src/metrics/instruments.generated';
import { PrometheusSink } from '../../src/metrics/prometheus-sink';
import { openStores, type Stores } from '../../src/stores';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { simEndpoints, simPoller } from '../support/poller';
import { quietLogger, testConfig } from '../support/stores';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000;

describe('poller scheduling', () => {
  let sim: Simulator;
  let stores: Stores;
  afterEach(async () => {
    await sim.close();
    await stores.close();
  });

  it('keeps polling every other connection while one fails, and counts the failures', async () => {
    sim = await startSimulator({ now: NOW, agents: 10 });
    const sink = new PrometheusSink({ processMetrics: false });
    const metrics = new Instruments(sink);
    const config = testConfig({ ARM_POLL_INTERVAL_MS: '1000', ARM_HEALTH_INTERVAL_MS: '1000', ARM_INVENTORY_INTERVAL_MS: '1000', ARM_POLL_BACKFILL_DAYS: '1', ARM_VENDOR_MAX_RETRIES: '0' });
    stores = await openStores(config, metrics, quietLogger());
    const { org, poller } = await simPoller(sim, stores, config, metrics, simEndpoints(sim, { openai: 'sk-admin-revoked' }));
    poller.start();
    const rows = async (vendor: string) =>
      (await stores.telemetry.query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.vendor_usage WHERE organization_id = {org:UUID} AND vendor = {v:String}', { org, v: vendor }))[0]!.n;
    const deadline = Date.now() + 30_000;
    while ((await rows('ANTHROPIC')) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    // A second round of ticks: the failing connection was retried, the healthy one kept going.
    await new Promise((r) => setTimeout(r, 2500));
    await poller.stop();

    expect(await rows('ANTHROPIC')).toBeGreaterThan(0);
    expect(await rows('OPENAI')).toBe(0);
    const text = await sink.render();
    const failures = Number(/ai_arm_collector_polls_total\{gen_ai_provider_name="openai",result="failure"\} (\d+)/.exec(text)?.[1] ?? 0);
    expect(failures).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/ai_arm_collector_polls_total\{gen_ai_provider_name="anthropic",result="success"\} [1-9]/);
    expect(text).toMatch(/ai_arm_collector_vendor_api_requests_total\{gen_ai_provider_name="openai",endpoint="\w+",outcome="client_error"\} [1-9]/);
    const [mark] = await stores.controlPlane.query<{ last_error: string | null }>(
      "SELECT w.last_error FROM poll_watermarks w JOIN connections c ON c.id = w.connection_id WHERE c.organization_id = $1 AND c.vendor = 'ANTHROPIC' LIMIT 1",
      [org],
    );
    expect(mark!.last_error).toBeNull();
  });
});
