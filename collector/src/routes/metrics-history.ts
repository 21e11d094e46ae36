import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OpenMetricsHistory, Responses } from '@ai-arm/schemas';
import { BudgetStore } from '../costs/budgets';
import { calendarMs } from '../costs/periods';
import type { CostService } from '../costs/service';
import { ApiError } from '../errors';
import { metricsHistory, samplesPerSeries } from '../metrics/history';
import { liveCountersStart } from '../metrics/history-start';
import type { ControlPlaneDb } from '../stores/postgres/types';

const HOUR = 3600;
const DAY = 24 * HOUR;
export const HISTORY_DEFAULT_DAYS = 8;
export const HISTORY_MAX_DAYS = 90;
/** As Prometheus' own query_range refuses more than 11,000 points per series. */
export const HISTORY_MAX_SAMPLES_PER_SERIES = 11_000;

const Hour = (description: string) => Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:00(:00)?Z$', description: `${description} (YYYY-MM-DDTHH:00:00Z)` }));

export const HistoryQuery = Type.Object({
  from: Hour(`First hour (default: ${HISTORY_DEFAULT_DAYS} days before \`to\`)`),
  to: Hour('Last sample (default: the hour the live counters began, so the two never overlap)'),
  step: Type.Optional(Type.Integer({ minimum: 60, maximum: DAY, default: 900, description: `Seconds between samples; at most ${HISTORY_MAX_SAMPLES_PER_SERIES} samples per series over from..to` })),
  labels: Type.Optional(
    Type.String({
      pattern: '^[a-zA-Z_]\\w*=[^,]*(,[a-zA-Z_]\\w*=[^,]*)*$',
      maxLength: 500,
      description: "Labels to add to every series, as Prometheus' scrape adds them (`job=aiarm,instance=collector:8080`), so history and live series are one",
    }),
  ),
});

const parseLabels = (text: string | undefined): Record<string, string> => Object.fromEntries((text ? text.split(',') : []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));

/**
 * GET /api/v1/metrics/history: the counters and budget gauges of /metrics rebuilt from the
 * stored vendor reports, as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`,
 * so a Prometheus installed after the collector gets the history its rules look back on.
 */
export const metricsHistoryRoutes: FastifyPluginAsyncTypebox<{ costs: CostService; controlPlane: ControlPlaneDb; now: () => Date }> = async (app, { costs, controlPlane, now }) => {
  const budgets = new BudgetStore(controlPlane);
  app.get('/api/v1/metrics/history', { schema: { querystring: HistoryQuery, description: 'Usage and cost counters and budget gauges over past hours, as OpenMetrics text for promtool backfilling', response: Responses({ 200: OpenMetricsHistory }) } }, async (request, reply) => {
    const org = request.organizationId;
    const fallback = (await liveCountersStart(controlPlane, org)) ?? now();
    for (const field of ['from', 'to'] as const) {
      const v = request.query[field];
      if (v !== undefined && Number.isNaN(calendarMs(v))) throw new ApiError('VALIDATION_ERROR', `querystring/${field} (${v}) is not an hour of the calendar`, { field: `querystring/${field}` });
    }
    const to = request.query.to ? calendarMs(request.query.to) / 1000 : Math.floor(fallback.getTime() / 1000 / HOUR) * HOUR;
    const from = request.query.from ? calendarMs(request.query.from) / 1000 : to - HISTORY_DEFAULT_DAYS * DAY;
    if (from >= to) throw new ApiError('VALIDATION_ERROR', `from (${new Date(from * 1000).toISOString()}) is not before to (${new Date(to * 1000).toISOString()})`, { field: 'querystring/from' });
    if (to - from > HISTORY_MAX_DAYS * DAY) throw new ApiError('VALIDATION_ERROR', `at most ${HISTORY_MAX_DAYS} days per request`, { field: 'querystring' });
    const stepSeconds = request.query.step ?? 900;
    const samples = samplesPerSeries({ from, to, stepSeconds });
    if (samples > HISTORY_MAX_SAMPLES_PER_SERIES) {
      const leastStep = Math.ceil((to - from) / (HISTORY_MAX_SAMPLES_PER_SERIES - 1));
      throw new ApiError('VALIDATION_ERROR', `at most ${HISTORY_MAX_SAMPLES_PER_SERIES} samples per series: ${samples} at step ${stepSeconds} over this window; use step ${leastStep} or more, or a shorter window`, {
        field: 'querystring/step',
        limit: HISTORY_MAX_SAMPLES_PER_SERIES,
        samplesPerSeries: samples,
      });
    }
    const body = await metricsHistory(costs, org, await budgets.list(org), { from, to, stepSeconds, labels: parseLabels(request.query.labels) });
    // Streamed as the caller reads it: its size is series × samples, too much to hold at once.
    return reply.type('application/openmetrics-text; version=1.0.0; charset=utf-8').send(Readable.from(body));
  });
};
