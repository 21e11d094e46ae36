import type { Config } from '../config/env';
import { createLogger } from '../logger';
import { closeOnSignals, startCollector } from '../server';

/** Runs until a signal; the returned promise settles once the collector listens. */
export async function runStart(config: Config): Promise<number> {
  const logger = createLogger(config.logLevel);
  const collector = await startCollector(config, logger);
  closeOnSignals(collector, logger, config.shutdownTimeoutMs);
  return 0;
}
