import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Config } from './config/env';
import type { PrometheusSink } from './metrics/prometheus-sink';
import type { BackfillJobs } from './poller/backfill';
import { registerErrorHandler } from './plugins/error-handler';
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
  await app.register(healthRoutes, { stores: deps.stores, version: VERSION, demoMode: deps.config.demoMode });
  await app.register(metricsRoutes, { sink: deps.sink });
  if (deps.backfill) await app.register(backfillRoutes, deps.backfill);
  return app;
}
