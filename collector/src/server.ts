import type { Logger } from 'pino';
import { loadPriceTable } from '@ai-arm/schemas';
import { buildApp, type App } from './app';
import { LiveUsageMeter } from './costs/live-usage';
import { costStateRefresher } from './costs/after-poll';
import { openActivityLog } from './logs/activity';
import { seedDemo } from './costs/demo-seed';
import { bootstrapBanner, ensureBootstrapKey, ensureGrafanaKey } from './auth/bootstrap';
import { CostService } from './costs/service';
import { ConfigError, type Config } from './config/env';
import { createLogger } from './logger';
import { Instruments } from './metrics/instruments.generated';
import { TeeSink } from './metrics/otel-sink';
import { otlpMetricsPush } from './metrics/otlp-push';
import { PrometheusSink } from './metrics/prometheus-sink';
import { BackfillJobs } from './poller/backfill';
import { endpointsFromConfig, openConnections, runtimeConnection, simulatorEndpoints } from './poller/connections';
import { loadStoredConnections } from './poller/stored-connections';
import { CredentialVault } from './security/envelope-crypto';
import { masterKeyOf } from './security/master-key';
import { checkingConnector } from './connections/check';
import type { ConnectionRuntime } from './routes/connections';
import { ensureDefaultOrganization } from './poller/organization';
import { Poller } from './poller/poller';
import { acquireDataLock } from './runtime/data-lock';
import { startSimulator, type Simulator } from './simulator/server';
import { openStores, type Stores } from './stores';
import { startDemoAgents, type DemoAgents } from './cli/demo-agents';
import { seedDemoPolicies } from './governance/demo-seed';
import { seedDemoContentCapture } from './quality/demo-seed';
import { openPipeline } from './interactions/open';
import { QualityMonitor } from './quality/monitor';
import type { InteractionPipeline } from './interactions/pipeline';
import { credentialAuthenticator } from './auth/authenticate';
import { RateLimiter } from './auth/rate-limit';
import { startGrpcReceiver, type GrpcReceiver } from './otlp/grpc-server';

export interface RunningCollector {
  app: App;
  stores: Stores;
  metrics: Instruments;
  poller: Poller;
  /** The in-process vendor simulator demo mode polls. */
  simulator: Simulator | null;
  /** Demo mode: the simulator's agents pushing their requests as OTLP spans. */
  demoAgents: DemoAgents | null;
  /** The quality monitor (drift, error-rate and grounding alerts), on its ARM_QUALITY_INTERVAL_MINUTES timer. */
  quality: QualityMonitor;
  url: string;
  /** Stops taking requests, finishes those in flight, flushes writes, closes the stores. */
  close(): Promise<void>;
}

const usesEmbeddedStore = (c: Config) => !c.postgresUrl || !c.clickhouseUrl;

export async function startCollector(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningCollector> {
  const lock = usesEmbeddedStore(config) ? acquireDataLock(config.dataDir, config.host, config.port) : null;
  // Aborted first thing at close: rate-limit waits, vendor calls and SDK retry waits end at once.
  const shutdown = new AbortController();
  const sink = new PrometheusSink();
  const push = config.otel.endpoint ? otlpMetricsPush({ endpoint: config.otel.endpoint, intervalMs: config.otel.metricIntervalMs, serviceName: config.otel.serviceName }) : null;
  const metrics = new Instruments(push ? new TeeSink([sink, push]) : sink);
  let stores: Stores | undefined;
  let app: App | undefined;
  let simulator: Simulator | null = null;
  let poller: Poller;
  let logs: ReturnType<typeof openActivityLog> | undefined;
  let createdKey: string | null = null;
  let ingest: InteractionPipeline | undefined;
  let quality: QualityMonitor | undefined;
  let grpcReceiver: GrpcReceiver | null = null;
  try {
    stores = await openStores(config, metrics, logger);
    const organizationId = await ensureDefaultOrganization(stores.controlPlane);
    createdKey = await ensureBootstrapKey(stores.controlPlane, organizationId, config.api.bootstrapKey);
    if (config.api.grafanaKey) await ensureGrafanaKey(stores.controlPlane, organizationId, config.api.grafanaKey);
    let endpoints = endpointsFromConfig(config);
    if (config.demoMode) {
      await seedDemoPolicies(stores.controlPlane, organizationId);
      await seedDemoContentCapture(stores.controlPlane, organizationId);
      simulator = await startSimulator({ demo: true });
      endpoints = simulatorEndpoints(simulator.url, simulator.state.opts.keys);
    }
    // One vault: each organisation's data key is unwrapped once, for start-up and the API alike.
    const vault = new CredentialVault(stores.controlPlane, masterKeyOf(config));
    const connections = [
      ...(await openConnections(stores.controlPlane, organizationId, config.demoMode ? 'demo' : 'env', endpoints, metrics, config.poll.vendorMaxRetries, shutdown.signal)),
      ...(await loadStoredConnections(stores.controlPlane, vault, (id) => logger.error({ connection: id }, 'this ARM_MASTER_KEY cannot open the stored credentials of a connection: it is not polled (was the master key changed?)'))).map((c) => runtimeConnection({ ...c, source: 'api' }, metrics, config.poll.vendorMaxRetries, shutdown.signal, config.vendorHosts)),
    ];
    const costService = new CostService(stores, loadPriceTable());
    logs = openActivityLog({ writer: stores.writer, serviceName: config.otel.serviceName, otlpEndpoint: config.otel.endpoint });
    const activity = logs.activity;
    const costLog = logger.child({ component: 'costs' });
    const refresh = costStateRefresher(costService, stores.controlPlane, metrics, costLog, activity);
    const demo = simulator;
    const costs = {
      meter: new LiveUsageMeter(stores.telemetry, metrics, (org) => costService.meterContext(org), costLog),
      afterReports: async (org: string, now: Date) => {
        if (demo) await seedDemo(costService, stores!.controlPlane, org, demo, now);
        await refresh(org, now);
      },
    };
    // Demo mode runs on the simulator's clock: real time, unless someone fast-forwards the
    // demo with POST <simulator>/_sim/clock (README, "Demo mode").
    const now = demo ? () => demo.state.now() : undefined;
    poller = new Poller({ config, stores, metrics, log: logger.child({ component: 'poller' }), costs, now, activity, stop: shutdown.signal }, connections);
    const backfill = { jobs: new BackfillJobs(poller), connections: () => poller.connections.map((c) => ({ id: c.id, organizationId: c.organizationId, vendor: c.vendor, source: c.source })) };
    const connectionRuntime: ConnectionRuntime = {
      vault,
      connector: checkingConnector,
      started: (c) => poller.add(runtimeConnection({ ...c, source: 'api' }, metrics, config.poll.vendorMaxRetries, shutdown.signal, config.vendorHosts)),
      stopped: (id, unwatched) => poller.retire(id, unwatched),
      historyChanged: (organizationId) => poller.refreshOrganizationCosts(organizationId),
    };
    // One pipeline for every receiver (ingest API, OTLP/HTTP, OTLP/gRPC).
    ingest = await openPipeline({ config, stores, metrics, log: logger.child({ component: 'ingest' }), priceBook: (org) => costService.priceBook(org), agentsChanged: (org) => poller.reportAgentCounts(org) });
    const ingestLimiter = new RateLimiter(config.api.ingestRateLimitPerMinute);
    // On the wall clock even in demo mode: pushed requests carry real times, whatever the simulator's clock says.
    quality = new QualityMonitor({ controlPlane: stores.controlPlane, telemetry: stores.telemetry, metrics, log: logger.child({ component: 'quality' }) });
    const environmentKeys = new Map<string, string>(endpoints.map((e) => [e.vendor, e.adminKey]));
    app = await buildApp({ config, stores, sink, logger, backfill, ingest, ingestLimiter, metrics, quality, environmentKey: (vendor) => environmentKeys.get(vendor) ?? null, costs: costService, connections: connectionRuntime, agents: poller, ...(demo ? { now: () => new Date(demo.state.nowMs()) } : {}) });
    await app.listen({ port: config.port, host: config.host }).catch((err: NodeJS.ErrnoException) => {
      // The operator's to fix, as any configuration: one line naming the variables, not a stack.
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') throw new ConfigError([`ARM_HOST:ARM_PORT ${config.host}:${config.port} ${err.code === 'EADDRINUSE' ? 'is in use by another process' : 'may not be listened on by this user'} (${err.code})`]);
      throw err;
    });
    grpcReceiver = config.ingest.grpcPort ? await openGrpc(config, stores, ingest, ingestLimiter, logger) : null;
  } catch (err) {
    shutdown.abort();
    // The first admin key is committed and the next start makes none: shown now, or never.
    if (createdKey) process.stdout.write(`${bootstrapBanner(createdKey, `http://${config.host}:${config.port}`)}\n`);
    await grpcReceiver?.close();
    await app?.close();
    await ingest?.close();
    await simulator?.close();
    await logs?.shutdown();
    await push?.shutdown();
    await stores?.close();
    lock?.release();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  lock?.update(port);
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  if (simulator) {
    logger.info(
      { simulator: simulator.url, agents: simulator.state.world.agents.length },
      `no vendor credentials set (OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY): running in demo mode, polling the built-in vendor simulator at ${simulator.url}`,
    );
  }
  // Straight to stdout, not through the logger: a secret must not end up in log pipelines' structured fields.
  if (createdKey) process.stdout.write(`${bootstrapBanner(createdKey, url)}\n`);
  poller.start();
  await quality!.start(config.qualityIntervalMs);
  const demoAgents = simulator && config.demoRequestsPerSecond > 0 ? startDemoAgents({ requestsPerSecond: config.demoRequestsPerSecond, controlPlane: stores.controlPlane, dataDir: config.dataDir, url, simulator, poller, log: logger.child({ component: 'demo-agents' }) }) : null;
  // The demo's past week is in: the monitor's first run finds the demo's drift at once.
  void demoAgents?.history.then((n) => (n > 0 ? quality!.runOnce() : undefined)).catch((err: Error) => logger.warn({ err: err.message }, 'quality monitor: the run after the demo history failed'));
  logger.info({ url, postgres: stores.migrations.postgres.current, clickhouse: stores.migrations.clickhouse.current }, `AI-ARM collector ready at ${url} (health ${url}/api/health, metrics ${url}/metrics)`);

  const running = { app, stores, poller, simulator, demoAgents, logs: logs!, ingest: ingest!, quality: quality! };
  let closing: Promise<void> | undefined;
  return {
    ...running,
    metrics,
    url,
    close() {
      closing ??= (async () => {
        try {
          shutdown.abort();
          // While the app still takes them: the agents' last spans are flushed to it.
          await running.demoAgents?.stop();
          // Both receivers stop taking requests and finish those in flight before the pipeline closes.
          await grpcReceiver?.close();
          await running.app.close();
          await running.quality.stop();
          // Before the stores close: its last version sightings are written, its rows handed over.
          await running.ingest.close();
          await running.poller.stop();
          await running.simulator?.close();
          // Before the stores close: the last log records go through their batch writer.
          await running.logs.shutdown();
          await push?.shutdown();
        } finally {
          await running.stores.close();
          lock?.release();
        }
      })();
      return closing;
    },
  };
}

/**
 * The OTLP/gRPC receiver on ARM_HOST:ARM_OTLP_GRPC_PORT. A port already taken (often by an
 * OpenTelemetry Collector on the same host, whose default it is too) is logged and skipped rather
 * than stopping the collector: OTLP/HTTP on the API port still takes the same data.
 */
async function openGrpc(config: Config, stores: Stores, sink: InteractionPipeline, limiter: RateLimiter, logger: Logger): Promise<GrpcReceiver | null> {
  const log = logger.child({ component: 'otlp-grpc' });
  try {
    const receiver = await startGrpcReceiver({ host: config.host, port: config.ingest.grpcPort, sink, maxMessageBytes: config.ingest.maxBodyBytes, authenticate: credentialAuthenticator(stores.controlPlane), limiter, log });
    log.info({ port: receiver.port }, `OTLP/gRPC receiver on ${config.host}:${receiver.port}`);
    return receiver;
  } catch (err) {
    log.error({ err, port: config.ingest.grpcPort }, `OTLP/gRPC receiver not started: port ${config.ingest.grpcPort} cannot be bound (set ARM_OTLP_GRPC_PORT to a free port, or 0 to turn it off); OTLP/HTTP on the API port is unaffected`);
    return null;
  }
}

/** SIGINT/SIGTERM close the collector; a second signal or the timeout forces the exit. */
export function closeOnSignals(collector: RunningCollector, logger: Logger, timeoutMs: number): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'shutting down: finishing requests and flushing writes');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    collector.close().then(
      () => {
        logger.info('shutdown complete: requests finished, polls stopped, writes flushed, stores closed');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
