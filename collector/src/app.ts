import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Config } from './config/env';
import type { PrometheusSink } from './metrics/prometheus-sink';
import type { BackfillJobs } from './poller/backfill';
import { WatermarkStore } from './poller/watermarks';
import { loadPriceTable } from '@ai-arm/schemas';
import { CostService } from './costs/service';
import { registerErrorHandler } from './plugins/error-handler';
import { frameworkErrors, registerStrictInput, strictValidators } from './plugins/strict-input';
import type { App } from './plugins/http-app';
import { openApi } from './plugins/openapi';
import { registerAuth, type Authenticator } from './plugins/auth';
import { credentialAuthenticator } from './auth/authenticate';
import { RateLimiter } from './auth/rate-limit';
import { apiKeyRoutes } from './routes/auth/api-keys';
import { sessionRoutes } from './routes/auth/session';
import { userRoutes } from './routes/auth/users';
import { auditRoutes } from './routes/governance/audit';
import { policyRoutes } from './routes/governance/policies';
import { complianceReportRoutes } from './routes/governance/report';
import { violationRoutes } from './routes/governance/violations';
import { organizationRoutes } from './routes/organizations';
import { connectionRoutes, type ConnectionRuntime } from './routes/connections';
import { agentRoutes, type AgentRuntime } from './routes/agents';
import { checkingConnector } from './connections/check';
import { CredentialVault } from './security/envelope-crypto';
import { collectorStatsRoutes } from './routes/collector-stats';
import { costPlanningRoutes } from './routes/costs/planning';
import { costReportRoutes } from './routes/costs/reports';
import { metricsHistoryRoutes } from './routes/metrics-history';
import { costSettingsRoutes } from './routes/costs/settings';
import { backfillRoutes, type PolledConnection } from './routes/backfill';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { ingestRoutes } from './routes/ingest';
import { otlpRoutes } from './routes/otlp';
import { interactionRoutes } from './routes/interactions';
import { driftRoutes } from './routes/quality/drift';
import { groundingRoutes } from './routes/quality/grounding';
import { qualityMetricsRoutes } from './routes/quality/metrics';
import { GroundingService } from './quality/grounding/service';
import { QualityMonitor } from './quality/monitor';
import { ContextExtraction } from './context/extract/service';
import { ContextReindex } from './context/index/reindex';
import { ContextIndex } from './context/index/service';
import { ContextStore } from './context/items/store';
import { ContextPortability } from './context/portability/service';
import { contextItemRoutes } from './routes/context/items';
import { contextPortabilityRoutes } from './routes/context/portability';
import { contextSearchRoutes } from './routes/context/search';
import { qualityAlertRoutes } from './routes/quality/alerts';
import { qualitySettingsRoutes } from './routes/quality/settings';
import { openPipeline } from './interactions/open';
import type { InteractionPipeline } from './interactions/pipeline';
import { Instruments } from './metrics/instruments.generated';
import type { Stores } from './stores';
import { VERSION } from './version';

export interface AppDeps {
  config: Config;
  stores: Stores;
  sink: PrometheusSink;
  logger: Logger;
  /** The running poller's backfill jobs; absent when the app serves without polling. */
  backfill?: { jobs: BackfillJobs; connections: () => PolledConnection[] };
  /**
   * Tests of other features only: every request acts as an admin of the organisation this
   * returns, without credentials. Production authenticates API keys and sessions.
   */
  tenant?: (request: FastifyRequest) => Promise<string>;
  /** The cost engine the poller also uses; built here when absent. */
  costs?: CostService;
  /** What the connections API needs of the running collector; by default it stores but does not poll. */
  connections?: ConnectionRuntime;
  /** The poller behind agent discovery and health checks on demand; absent, those answer 503. */
  agents?: AgentRuntime;
  /** The clock "today" is read from (tests pin it to the simulator's). */
  now?: () => Date;
  /** The push path's pipeline (server.ts shares it with the gRPC receiver); built here, and closed with the app, when absent. */
  ingest?: InteractionPipeline;
  /** The telemetry receivers' rate limit, shared with the OTLP/gRPC receiver; built here when absent. */
  ingestLimiter?: RateLimiter;
  /** The instruments over `sink`; built on it when absent. */
  metrics?: Instruments;
  /** The quality monitor server.ts runs on a timer; built here (not started) when absent. */
  quality?: QualityMonitor;
  /**
   * The admin key of a connection the environment (or demo mode) configured, by vendor: what
   * writes to vendor agents (preference injection) use for those connections, whose keys are not
   * stored. Absent, only connections added through the API can be written to.
   */
  environmentKey?: (vendor: string) => string | null;
}

export type { App };

/** The HTTP app without a listening socket: the server listens, tests `inject`. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    // The client's address and the origin from X-Forwarded-* only when a proxy the operator names sets them.
    trustProxy: typeof deps.config.api.trustProxy === 'number' ? hopsOf(deps.config.api.trustProxy) : deps.config.api.trustProxy,
    // Report every bad field at once; bodies are small (bodyLimit), so this stays cheap.
    ajv: { customOptions: { allErrors: true } },
    // Bodies are not coerced and refuse unknown fields; query strings are (plugins/strict-input.ts).
    schemaController: strictValidators(),
    // Bad percent-encoding and over-long path parameters answer 400 in the envelope too.
    frameworkErrors,
    routerOptions: { maxParamLength: 200 },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandler(app);
  registerStrictInput(app);
  await openApi(app);
  const limits = { api: new RateLimiter(deps.config.api.rateLimitPerMinute), ingest: deps.ingestLimiter ?? new RateLimiter(deps.config.api.ingestRateLimitPerMinute) };
  registerAuth(app, deps.tenant ? trustedTenant(deps.tenant) : credentialAuthenticator(deps.stores.controlPlane), limits, deps.config.api.allowedOrigins);
  const now = deps.now ?? (() => new Date());
  await app.register(healthRoutes, { stores: deps.stores, version: VERSION, demoMode: deps.config.demoMode });
  await app.register(metricsRoutes, { sink: deps.sink, token: deps.config.api.metricsToken });
  await app.register(collectorStatsRoutes, { sink: deps.sink });
  if (deps.backfill) await app.register(backfillRoutes, { ...deps.backfill, watermarks: new WatermarkStore(deps.stores.controlPlane), controlPlane: deps.stores.controlPlane });
  const costs = deps.costs ?? new CostService(deps.stores, loadPriceTable());
  await app.register(costReportRoutes, { costs, controlPlane: deps.stores.controlPlane, now });
  await app.register(costSettingsRoutes, { costs, controlPlane: deps.stores.controlPlane, now });
  await app.register(costPlanningRoutes, { costs, controlPlane: deps.stores.controlPlane, now });
  await app.register(metricsHistoryRoutes, { costs, controlPlane: deps.stores.controlPlane, now });
  const controlPlane = deps.stores.controlPlane;
  await app.register(sessionRoutes, { controlPlane, sessionHours: deps.config.api.sessionHours, loginAttemptsPerMinute: deps.config.api.loginAttemptsPerMinute });
  await app.register(apiKeyRoutes, { controlPlane });
  await app.register(userRoutes, { controlPlane });
  await app.register(auditRoutes, { controlPlane, audit: deps.config.audit });
  await app.register(complianceReportRoutes, { controlPlane, telemetry: deps.stores.telemetry, audit: deps.config.audit, now });
  const vault = deps.config.masterKey ? new CredentialVault(controlPlane, deps.config.masterKey) : null;
  const ingest = deps.ingest ?? (await openPipeline({ config: deps.config, stores: deps.stores, metrics: deps.metrics ?? new Instruments(deps.sink), log: deps.logger.child({ component: 'ingest' }), priceBook: (org) => costs.priceBook(org), agentsChanged: (org) => deps.agents?.reportAgentCounts(org) }));
  if (!deps.ingest) app.addHook('onClose', () => ingest.close());
  await app.register(agentRoutes, { controlPlane, telemetry: deps.stores.telemetry, runtime: deps.agents ?? null, now, removed: (id) => ingest.forgetAgent(id) });
  await app.register(organizationRoutes, { controlPlane, changed: (org) => ingest.orgs.invalidate(org) });
  await app.register(ingestRoutes, { sink: ingest, maxBodyBytes: deps.config.ingest.maxBodyBytes });
  await app.register(otlpRoutes, { sink: ingest, maxBodyBytes: deps.config.ingest.maxBodyBytes });
  await app.register(policyRoutes, { controlPlane, changed: (org) => ingest.governor.invalidate(org), recordViolations: (org, agent, evaluation, subject) => ingest.recordViolations(org, agent, evaluation, subject) });
  await app.register(violationRoutes, { controlPlane, telemetry: deps.stores.telemetry, now });
  await app.register(interactionRoutes, { controlPlane, telemetry: deps.stores.telemetry, now });
  const metrics = deps.metrics ?? new Instruments(deps.sink);
  const telemetry = deps.stores.telemetry;
  const grounding = new GroundingService({ controlPlane, telemetry, metrics, log: deps.logger.child({ component: 'grounding' }), vault });
  app.addHook('onClose', () => grounding.close());
  const contextIndex = new ContextIndex({ controlPlane, telemetry, vault, log: deps.logger.child({ component: 'context-index' }) });
  const contextStore = new ContextStore({ controlPlane, telemetry, indexer: contextIndex });
  const reindex = new ContextReindex({ telemetry, index: contextIndex, log: deps.logger.child({ component: 'context-index' }) });
  // Started by a listening collector, not by tests of the app: items a shutdown left without vectors get them.
  app.addHook('onListen', () => void reindex.resumeAll().catch((err: Error) => deps.logger.warn({ err: err.message }, 'context reindex at start failed; POST /api/v1/context/reindex runs it')));
  const extraction = new ContextExtraction({ controlPlane, telemetry, store: contextStore, vault, log: deps.logger.child({ component: 'context' }) });
  app.addHook('onClose', async () => {
    // The index first: the running extraction's embedding is not waited for.
    reindex.close();
    await contextIndex.close();
    await extraction.close();
  });
  // The quality and context steps of the push path, on first deliveries once they are durable.
  ingest.assess = (org, items, capture) => {
    for (const { item, agentId } of items) {
      grounding.sample(org, agentId, item, capture);
      extraction.offer(org, agentId, item, capture);
    }
  };
  await app.register(qualityMetricsRoutes, { controlPlane, telemetry, now });
  const quality = deps.quality ?? new QualityMonitor({ controlPlane, telemetry, metrics, log: deps.logger.child({ component: 'quality' }) });
  await app.register(driftRoutes, { controlPlane, telemetry, now, check: (org, agent) => quality.checkDrift(org, agent) });
  await app.register(groundingRoutes, { grounding });
  await app.register(qualityAlertRoutes, { monitor: quality });
  await app.register(qualitySettingsRoutes, { settings: quality.settings });
  await app.register(contextItemRoutes, {
    store: contextStore,
    extraction,
    controlPlane,
    embeddingsChanged: (org) => {
      contextIndex.forget(org);
      reindex.start(org);
    },
  });
  await app.register(contextSearchRoutes, { index: contextIndex, reindex });
  const environmentKey = deps.environmentKey;
  const portability = new ContextPortability({
    controlPlane,
    store: contextStore,
    vault,
    vendorHosts: deps.config.vendorHosts,
    log: deps.logger.child({ component: 'context' }),
    ...(environmentKey ? { connectionKey: (c: { vendor: string; source: string }) => (c.source === 'api' ? null : environmentKey(c.vendor)) } : {}),
  });
  await app.register(contextPortabilityRoutes, { portability });
  await app.register(connectionRoutes, { controlPlane, telemetry: deps.stores.telemetry, runtime: deps.connections ?? { vault, connector: checkingConnector }, vendorHosts: deps.config.vendorHosts });
  return app;
}

const trustedTenant =
  (tenant: (request: FastifyRequest) => Promise<string>): Authenticator =>
  async (request) => ({ organizationId: await tenant(request), role: 'admin', actorType: 'SYSTEM', actorId: 'test', actorName: 'test harness' });

/** Trusts the nearest `hops` proxies: what Fastify does with a number, which its types do not admit. */
const hopsOf = (hops: number) => (_address: string, hop: number) => hop < hops;
