import { Instruments } from '../../src/metrics/instruments.generated';
import { PrometheusSink } from '../../src/metrics/prometheus-sink';
import { openStores, type Stores } from '../../src/stores';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { simEndpoints, simPoller } from '../support/poller';
import { quietLogger, testConfig } from '../support/stores';
import { systemDb, systemTelemetry } from '../support/system-db';

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
      (await systemTelemetry(stores.telemetry).query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.vendor_usage WHERE organization_id = {org:UUID} AND vendor = {v:String}', { org, v: vendor }))[0]!.n;
    const deadline = Date.now() + 30_000;
    while ((await rows('ANTHROPIC')) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    // A second round of ticks: the failing connection was retried, the healthy one kept going.
    await new Promise((r) => setTimeout(r, 2500));
    await poller.stop();

    expect(await rows('ANTHROPIC')).toBeGreaterThan(0);
    expect(await rows('OPENAI')).toBe(0);
    const text = await sink.render();
    const failures = Number(new RegExp(`ai_arm_collector_polls_total\\{organization_id="${org}",gen_ai_provider_name="openai",result="failure"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    expect(failures).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(new RegExp(`ai_arm_collector_polls_total\\{organization_id="${org}",gen_ai_provider_name="anthropic",result="success"\\} [1-9]`));
    expect(text).toMatch(/ai_arm_collector_vendor_api_requests_total\{organization_id="[^"]+",gen_ai_provider_name="openai",endpoint="\w+",outcome="client_error"\} [1-9]/);
    const [mark] = await systemDb(stores.controlPlane).query<{ last_error: string | null }>(
      "SELECT w.last_error FROM poll_watermarks w JOIN connections c ON c.id = w.connection_id WHERE c.organization_id = $1 AND c.vendor = 'ANTHROPIC' LIMIT 1",
      [org],
    );
    expect(mark!.last_error).toBeNull();
  });

  it('stops polling a connection removed while running, and polls one added while running', async () => {
    sim = await startSimulator({ now: NOW, agents: 6 });
    const sink = new PrometheusSink({ processMetrics: false });
    const metrics = new Instruments(sink);
    const config = testConfig({ ARM_POLL_INTERVAL_MS: '1000', ARM_HEALTH_INTERVAL_MS: '1000', ARM_INVENTORY_INTERVAL_MS: '1000', ARM_POLL_BACKFILL_DAYS: '1' });
    stores = await openStores(config, metrics, quietLogger());
    const { poller } = await simPoller(sim, stores, config, metrics);
    const polls = async (provider: string) => Number(new RegExp(`ai_arm_collector_polls_total\\{organization_id="[^"]+",gen_ai_provider_name="${provider}",result="success"\\} (\\d+)`).exec(await sink.render())?.[1] ?? 0);
    const until = async (what: string, ok: () => Promise<boolean>) => {
      const deadline = Date.now() + 30_000;
      while (!(await ok())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    poller.start();
    await until('two polls of each', async () => (await polls('openai')) >= 2 && (await polls('anthropic')) >= 2);

    const openai = poller.connections.find((c) => c.vendor === 'OPENAI')!;
    expect(poller.remove(openai.id)).toBe(true);
    expect(poller.remove(openai.id)).toBe(false);
    // One run may have been in flight; after it, nothing more.
    await new Promise((r) => setTimeout(r, 1500));
    const stopped = await polls('openai');
    const anthropicBefore = await polls('anthropic');
    await new Promise((r) => setTimeout(r, 2500));
    expect(await polls('openai')).toBe(stopped);
    expect(await polls('anthropic')).toBeGreaterThan(anthropicBefore);

    poller.add(openai);
    await until('polls of the connection added back', async () => (await polls('openai')) >= stopped + 2);
    await poller.stop();
  });
});
