import { startTestCollector, TEST_ADMIN_KEY } from './collector';

/** Starts one demo collector for every test file; jest's workers inherit these variables. */
export default async function globalSetup() {
  const collector = await startTestCollector();
  (globalThis as { __aiarmCollector?: typeof collector }).__aiarmCollector = collector;
  process.env.AIARM_TEST_COLLECTOR_URL = collector.url;
  process.env.AIARM_TEST_SIMULATOR_URL = collector.simulator;
  process.env.AIARM_TEST_OTHER_VENDOR_URL = collector.otherVendor;
  process.env.AIARM_TEST_API_KEY = collector.grafanaKey;
  process.env.AIARM_TEST_ADMIN_KEY = TEST_ADMIN_KEY;
}
