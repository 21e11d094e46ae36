import { parseArgs } from 'node:util';
import type { Config } from '../config/env';
import { createLogger } from '../logger';
import { Instruments } from '../metrics/instruments.generated';
import { PrometheusSink } from '../metrics/prometheus-sink';
import { acquireDataLock, readLiveLock } from '../runtime/data-lock';
import { openStores } from '../stores';

/**
 * With a collector running on the embedded stores, their files are its own: migrations
 * were applied when it started, so this asks it for the versions instead of opening them.
 */
export async function runMigrate(config: Config, args: string[] = []): Promise<number> {
  // It takes no arguments: `migrate --dry-run` applied every migration.
  parseArgs({ args, strict: true, options: {} });
  const embedded = !config.postgresUrl || !config.clickhouseUrl;
  const holder = embedded ? readLiveLock(config.dataDir) : null;
  if (holder) {
    const url = `http://${holder.host}:${holder.port}/api/health`;
    const res = await fetch(url);
    const body = (await res.json()) as { data?: { stores: Record<string, { migrations: number }> }; error?: { details?: { stores: Record<string, { migrations: number }> } } };
    const stores = body.data?.stores ?? body.error?.details?.stores;
    if (!stores) throw new Error(`collector pid ${holder.pid} at ${url} answered ${res.status} without a store report`);
    console.log(`collector pid ${holder.pid} is running on ${config.dataDir} and applied migrations at start:`);
    for (const [name, s] of Object.entries(stores)) console.log(`  ${name}: ${s.migrations} migration(s) applied`);
    return 0;
  }
  const lock = embedded ? acquireDataLock(config.dataDir, config.host, config.port) : null;
  try {
    const stores = await openStores(config, new Instruments(new PrometheusSink({ processMetrics: false })), createLogger('warn'));
    await stores.close();
    for (const [name, report] of Object.entries(stores.migrations)) {
      const applied = report.applied.length > 0 ? `applied ${report.applied.join(', ')}` : 'nothing to apply';
      console.log(`${name}: ${applied}; ${report.current} migration(s) in place`);
    }
    return 0;
  } finally {
    lock?.release();
  }
}
