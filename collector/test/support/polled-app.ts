import { buildApp, type App } from '../../src/app';
import type { Instruments } from '../../src/metrics/instruments.generated';
import type { PrometheusSink } from '../../src/metrics/prometheus-sink';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { openStores, type Stores } from '../../src/stores';
import { simPoller } from './poller';
import { quietLogger, testConfig, testMetrics } from './stores';

export interface PolledApp {
  sim: Simulator;
  stores: Stores;
  app: App;
  org: string;
  sink: PrometheusSink;
  metrics: Instruments;
  close(): Promise<void>;
}

/**
 * A simulated organisation polled once into real stores, and the app over it acting for that
 * organisation, on the simulator's fixed clock: the setup of the cost API suites.
 */
export async function polledApp(o: { now: number; agents: number; backfillDays: number; demo?: boolean }): Promise<PolledApp> {
  const sim = await startSimulator({ now: o.now, agents: o.agents, demo: o.demo });
  const config = testConfig({ ARM_POLL_BACKFILL_DAYS: String(o.backfillDays) });
  const { sink, metrics } = testMetrics();
  const stores = await openStores(config, metrics, quietLogger());
  const polled = await simPoller(sim, stores, config, metrics);
  await polled.poller.runOnce();
  const org = polled.org;
  const app = await buildApp({ config, stores, sink, logger: quietLogger(), tenant: async () => org, now: () => new Date(o.now * 1000) });
  return {
    sim,
    stores,
    app,
    org,
    sink,
    metrics,
    async close() {
      await app.close();
      await sim.close();
      await stores.close();
    },
  };
}
