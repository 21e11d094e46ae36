import type { FastifyPluginAsync } from 'fastify';
import { PrometheusText, Responses } from '@ai-arm/schemas';
import type { PrometheusSink } from '../metrics/prometheus-sink';

/** GET /metrics in the Prometheus text format, for scraping. */
export const metricsRoutes: FastifyPluginAsync<{ sink: PrometheusSink }> = async (app, opts) => {
  app.get('/metrics', { logLevel: 'warn', config: { public: true }, schema: { response: Responses({ 200: PrometheusText }) } }, async (_request, reply) => {
    const body = await opts.sink.render();
    return reply.type(opts.sink.contentType()).send(body);
  });
};
