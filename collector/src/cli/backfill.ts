import { UsageError } from './usage-error';
import { parseArgs } from 'node:util';
import type { Config } from '../config/env';
import { createLogger } from '../logger';
import { Instruments } from '../metrics/instruments.generated';
import { PrometheusSink } from '../metrics/prometheus-sink';
import { BackfillJobs, parseSince, type BackfillState } from '../poller/backfill';
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


export async function runBackfill(config: Config, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { connection: { type: 'string' }, since: { type: 'string', default: '30d' } }, strict: true });
  const since = values.since!;
  try {
    parseSince(since, Math.floor(Date.now() / 1000)); // fail on a bad value before any work starts
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const holder = !config.postgresUrl || !config.clickhouseUrl ? readLiveLock(config.dataDir) : null;
  if (holder) return throughApi(`http://${holder.host}:${holder.port}`, config.api.cliKey, values.connection, since);
  return inProcess(config, values.connection, since);
}

interface Target {
  id: string;
  vendor: string;
  /** Starts the backfill, then reads its state: from the collector's API or from jobs in this process. */
  start(): Promise<void>;
  state(): Promise<BackfillState>;
}

/** Drives each connection's backfill to its end, one after another, drawing its progress. */
async function watch(targets: Target[]): Promise<number> {
  const printer = progressPrinter();
  for (const t of targets) {
    await t.start();
    for (;;) {
      const state = await t.state();
      printer.update(t.vendor, state.progress, state.rows, state.etaSeconds);
      if (state.status === 'failed') {
        printer.done();
        console.error(`backfill of ${t.vendor} (${t.id}) failed: ${state.error}; what was stored is kept, run it again to resume`);
        return 1;
      }
      if (state.status === 'done') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    printer.done();
  }
  return 0;
}

async function throughApi(base: string, apiKey: string | null, only: string | undefined, since: string): Promise<number> {
  if (!apiKey) throw new UsageError(`a collector runs at ${base}: set ARM_API_KEY to an admin API key so backfill can ask it`);
  const auth = { authorization: `Bearer ${apiKey}` };
  const listed = await fetch(`${base}/api/v1/poller/connections`, { headers: auth });
  if (listed.status === 401 || listed.status === 403) throw new UsageError(`the collector at ${base} refused ARM_API_KEY (${listed.status}): it needs an admin key of its organisation`);
  const list = (await listed.json()) as { data: { id: string; vendor: string }[] };
  const connections = list.data.filter((c) => !only || c.id === only);
  if (connections.length === 0) throw new UsageError(only ? `the running collector polls no connection ${only}; it polls ${list.data.map((c) => `${c.id} (${c.vendor})`).join(', ') || 'none'}` : 'the running collector polls no connection');
  console.error(`backfilling ${connections.length} connection(s) from ${since} in the collector at ${base}`);
  return watch(
    connections.map((c) => ({
      ...c,
      async start() {
        const res = await fetch(`${base}/api/v1/connections/${c.id}/backfill`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ since }) });
        if (res.status !== 202) throw new Error(`collector refused the backfill of ${c.id}: ${await res.text()}`);
      },
      state: async () => ((await (await fetch(`${base}/api/v1/connections/${c.id}/backfill`, { headers: auth })).json()) as { data: BackfillState }).data,
    })),
  );
}

async function inProcess(config: Config, only: string | undefined, since: string): Promise<number> {
  const endpoints = endpointsFromConfig(config);
  if (endpoints.length === 0) {
    throw new UsageError('no vendor credentials are set (OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY): nothing to backfill. In demo mode, start the collector and run backfill against it.');
  }
  const lock = !config.postgresUrl || !config.clickhouseUrl ? acquireDataLock(config.dataDir, config.host, config.port) : null;
  const metrics = new Instruments(new PrometheusSink({ processMetrics: false }));
  const log = createLogger('warn');
  const stores = await openStores(config, metrics, log);
  try {
    const org = await ensureDefaultOrganization(stores.controlPlane);
    const connections = (await openConnections(stores.controlPlane, org, 'env', endpoints, metrics, config.poll.vendorMaxRetries)).filter((c) => !only || c.id === only);
    if (connections.length === 0) throw new UsageError(`no connection ${only}`);
    // The same jobs the collector's API runs, here in this process.
    const jobs = new BackfillJobs(new Poller({ config, stores, metrics, log }, connections));
    return await watch(
      connections.map((c) => ({
        id: c.id,
        vendor: c.vendor,
        start: async () => void jobs.start(c.id, since),
        state: async () => jobs.get(c.id)!,
      })),
    );
  } finally {
    await stores.close();
    lock?.release();
  }
}
