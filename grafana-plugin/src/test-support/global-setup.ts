import { startTestCollector, TEST_API_KEY } from './collector';

/** Starts one demo collector for every test file; jest's workers inherit these variables. */
export default async function globalSetup() {
  const collector = await startTestCollector();
  (globalThis as { __aiarmCollector?: typeof collector }).__aiarmCollector = collector;
  process.env.AIARM_TEST_COLLECTOR_URL = collector.url;
  process.env.AIARM_TEST_SIMULATOR_URL = collector.simulator;
  process.env.AIARM_TEST_API_KEY = TEST_API_KEY;
}
