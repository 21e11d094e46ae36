import { parseArgs } from 'node:util';
import type { Config } from '../config/env';
import { createLogger } from '../logger';
import { closeOnSignals, startCollector } from '../server';

/** Runs until a signal; the returned promise settles once the collector listens. It takes no arguments (`start --help` started it). */
export async function runStart(config: Config, args: string[] = []): Promise<number> {
  parseArgs({ args, strict: true, options: {} });
  const logger = createLogger(config.logLevel);
  const collector = await startCollector(config, logger);
  closeOnSignals(collector, logger, config.shutdownTimeoutMs);
  return 0;
}
