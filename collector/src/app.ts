import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Config } from './config/env';
import type { PrometheusSink } from './metrics/prometheus-sink';
import type { BackfillJobs } from './poller/backfill';
import { WatermarkStore } from './poller/watermarks';
import { loadPriceTable } from '@ai-arm/schemas';
import { CostService } from './costs/service';
import { registerErrorHandler } from './plugins/error-handler';
import { openApi } from './plugins/openapi';
import { registerTenant, type TenantResolver } from './plugins/tenant';
import { ensureDefaultOrganization } from './poller/organization';
import { collectorStatsRoutes } from './routes/collector-stats';
import { costPlanningRoutes } from './routes/costs/planning';
import { costReportRoutes } from './routes/costs/reports';
import { metricsHistoryRoutes } from './routes/metrics-history';
import { costSettingsRoutes } from './routes/costs/settings';
import { backfillRoutes } from './routes/backfill';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import type { Stores } from './stores';
import { VERSION } from './version';

export interface AppDeps {
  config: Config;
  stores: Stores;
  sink: PrometheusSink;
  logger: Logger;
  /** The running poller's backfill jobs; absent when the app serves without polling. */
  backfill?: { jobs: BackfillJobs; connections: () => { id: string; vendor: string; source: string }[] };
  /** Which organisation a request acts for; by default the collector's default organisation. */
  tenant?: TenantResolver;
  /** The cost engine the poller also uses; built here when absent. */
  costs?: CostService;
  /** The clock "today" is read from (tests pin it to the simulator's). */
  now?: () => Date;
}

export type App = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** The HTTP app without a listening socket: the server listens, tests `inject`. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    // Report every bad field at once; bodies are small (bodyLimit), so this stays cheap.
    ajv: { customOptions: { allErrors: true } },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandler(app);
  await openApi(app);
  registerTenant(app, deps.tenant ?? defaultTenant(deps.stores));
  const now = deps.now ?? (() => new Date());
  await app.register(healthRoutes, { stores: deps.stores, version: VERSION, demoMode: deps.config.demoMode });
  await app.register(metricsRoutes, { sink: deps.sink });
  await app.register(collectorStatsRoutes, { sink: deps.sink });
  if (deps.backfill) await app.register(backfillRoutes, { ...deps.backfill, watermarks: new WatermarkStore(deps.stores.controlPlane) });
  const costs = deps.costs ?? new CostService(deps.stores, loadPriceTable());
  await app.register(costReportRoutes, { costs, controlPlane: deps.stores.controlPlane, now });
  await app.register(costSettingsRoutes, { costs, now });
  await app.register(costPlanningRoutes, { costs, controlPlane: deps.stores.controlPlane, now });
  await app.register(metricsHistoryRoutes, { costs, controlPlane: deps.stores.controlPlane, now });
  return app;
}

function defaultTenant(stores: Stores): TenantResolver {
  let id: Promise<string> | undefined;
  return () => (id ??= ensureDefaultOrganization(stores.controlPlane));
}
