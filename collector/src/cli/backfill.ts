import { parseArgs } from 'node:util';
import type { Config } from '../config/env';
import { createLogger } from '../logger';
import { Instruments } from '../metrics/instruments.generated';
import { PrometheusSink } from '../metrics/prometheus-sink';
import { measure, parseSince, type BackfillState } from '../poller/backfill';
import { endpointsFromConfig, openConnections } from '../poller/connections';
import { ensureDefaultOrganization } from '../poller/organization';
import { Poller } from '../poller/poller';
import { acquireDataLock, readLiveLock } from '../runtime/data-lock';
import { openStores } from '../stores';
import { progressPrinter } from './progress';

export const BACKFILL_USAGE = `usage: ai-arm backfill [--connection ID] [--since 90d]

Re-reads a connection's usage and cost reports from --since (90d, 12h, 2w or an RFC 3339 time;
default 30d) to now, with a progress bar and an ETA. Without --connection, every connection.
With a collector running on this data directory the backfill runs inside it, through its API.`;

export class BackfillUsageError extends Error {}

export async function runBackfill(config: Config, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { connection: { type: 'string' }, since: { type: 'string', default: '30d' } }, strict: true });
  const since = values.since!;
  parseSince(since, 0); // fail on a bad value before any work starts
  const holder = !config.postgresUrl || !config.clickhouseUrl ? readLiveLock(config.dataDir) : null;
  if (holder) return throughApi(`http://${holder.host}:${holder.port}`, values.connection, since);
  return inProcess(config, values.connection, since);
}

async function throughApi(base: string, only: string | undefined, since: string): Promise<number> {
  const list = (await (await fetch(`${base}/api/v1/poller/connections`)).json()) as { data: { id: string; vendor: string }[] };
  const targets = list.data.filter((c) => !only || c.id === only);
  if (targets.length === 0) throw new BackfillUsageError(only ? `the running collector polls no connection ${only}; it polls ${list.data.map((c) => `${c.id} (${c.vendor})`).join(', ') || 'none'}` : 'the running collector polls no connection');
  console.error(`backfilling ${targets.length} connection(s) from ${since} in the collector at ${base}`);
  const printer = progressPrinter();
  for (const c of targets) {
    const started = await fetch(`${base}/api/v1/connections/${c.id}/backfill`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ since }) });
    if (started.status !== 202) throw new Error(`collector refused the backfill of ${c.id}: ${await started.text()}`);
    for (;;) {
      const state = ((await (await fetch(`${base}/api/v1/connections/${c.id}/backfill`)).json()) as { data: BackfillState }).data;
      printer.update(c.vendor, state.progress, state.rows, state.etaSeconds);
      if (state.status === 'failed') {
        printer.done();
        console.error(`backfill of ${c.vendor} (${c.id}) failed: ${state.error}; what was stored is kept, run it again to resume`);
        return 1;
      }
      if (state.status === 'done') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    printer.done();
  }
  return 0;
}

async function inProcess(config: Config, only: string | undefined, since: string): Promise<number> {
  const endpoints = endpointsFromConfig(config);
  if (endpoints.length === 0) {
    throw new BackfillUsageError('no vendor credentials are set (OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY): nothing to backfill. In demo mode, start the collector and run backfill against it.');
  }
  const lock = !config.postgresUrl || !config.clickhouseUrl ? acquireDataLock(config.dataDir, config.host, config.port) : null;
  const metrics = new Instruments(new PrometheusSink({ processMetrics: false }));
  const log = createLogger('warn');
  const stores = await openStores(config, metrics, log);
  try {
    const org = await ensureDefaultOrganization(stores.controlPlane);
    const connections = (await openConnections(stores.controlPlane, org, 'env', endpoints, metrics, config.poll.vendorMaxRetries)).filter((c) => !only || c.id === only);
    if (connections.length === 0) throw new BackfillUsageError(`no connection ${only}`);
    const poller = new Poller({ config, stores, metrics, log }, connections);
    const printer = progressPrinter();
    const from = parseSince(since, Math.floor(Date.now() / 1000));
    for (const c of connections) {
      const started = Date.now();
      const feeds = new Map<string, import('../poller/reports').FeedProgress>();
      await poller.reports(c, {
        since: from,
        onProgress: (p) => {
          feeds.set(p.feed, p);
          const all = [...feeds.values()];
          const m = measure(all, (Date.now() - started) / 1000);
          printer.update(c.vendor, m.progress, all.reduce((n, f) => n + f.rows, 0), m.etaSeconds);
        },
      });
      printer.update(c.vendor, 1, [...feeds.values()].reduce((n, f) => n + f.rows, 0), 0);
      printer.done();
    }
    return 0;
  } finally {
    await stores.close();
    lock?.release();
  }
}
