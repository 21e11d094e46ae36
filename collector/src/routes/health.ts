import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Health, Responses, SuccessEnvelope } from '@ai-arm/schemas';
import type { Stores } from '../stores';
import { fail } from '../plugins/error-handler';

export interface HealthRouteOptions {
  stores: Stores;
  version: string;
  demoMode: boolean;
}

/** GET /api/health: every store probed now; 503 with the same report when one is down. */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthRouteOptions> = async (app, opts) => {
  const started = Date.now();
  app.get(
    '/api/health',
    { config: { public: true }, schema: { response: Responses({ 200: SuccessEnvelope(Health) }) } },
    async (_request, reply) => {
      const stores = await opts.stores.check();
      const report = {
        status: Object.values(stores).every((s) => s.status === 'up') ? ('ok' as const) : ('degraded' as const),
        version: opts.version,
        mode: opts.demoMode ? ('demo' as const) : ('live' as const),
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
        stores,
      };
      if (report.status !== 'ok') return reply.status(503).send(fail('UNAVAILABLE', 'a store is down', report));
      return { success: true as const, data: report };
    },
  );
};
