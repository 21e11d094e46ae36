import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { PrometheusText, Responses } from '@ai-arm/schemas';
import { ApiError } from '../errors';
import type { PrometheusSink } from '../metrics/prometheus-sink';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * GET /metrics in the Prometheus text format, for scraping. With a token (ARM_METRICS_TOKEN) it
 * answers only a scrape that sends it: the series name every organisation, agent and its spend.
 * Compared as digests, so neither its length nor its bytes leak through the time an answer takes.
 */
export const metricsRoutes: FastifyPluginAsync<{ sink: PrometheusSink; token: string | null }> = async (app, opts) => {
  const expected = opts.token === null ? null : digest(`Bearer ${opts.token}`);
  app.get('/metrics', { logLevel: 'warn', config: { public: true }, schema: { response: Responses({ 200: PrometheusText }) } }, async (request, reply) => {
    if (expected && !timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new ApiError('UNAUTHENTICATED', '/metrics needs the scrape token (ARM_METRICS_TOKEN) as Authorization: Bearer <token>');
    }
    const body = await opts.sink.render();
    return reply.type(opts.sink.contentType()).send(body);
  });
};
