import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BudgetWithStatus, CostAlert, CostForecast, CostOptimization, CostRangeMeta, Money, Responses, SuccessEnvelope, USD_COLUMN, Vendor, type MoneySpec } from '@ai-arm/schemas';
import { requireRole } from '../../auth/principal';
import { ApiError } from '../../errors';
import { budgetStatus, budgetsWithStatus, removeBudget, saveBudget } from '../../costs/budgets';
import { createCostAlert, listCostAlerts, removeCostAlert } from '../../costs/cost-alerts';
import { suggestOptimizations } from '../../costs/optimizations';
import type { CostService } from '../../costs/service';
import { forecastFrom, forecastHistory, usd } from '../../costs/spend';
import { moneyText } from '../../costs/money';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import { parseRange, RangeQuery, rangeMeta } from './range';

const Period = Type.Union([Type.Literal('DAY'), Type.Literal('WEEK'), Type.Literal('MONTH')]);
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
// numeric(18, 2) columns: a budget of nothing means nothing; a threshold of 0 alerts on any spend.
const Amount = Money({ ...USD_COLUMN, positive: true }, 'USD, e.g. "1500" or "99.50"');
const Threshold = Money(USD_COLUMN, 'USD, e.g. "250"');
const Deleted = Responses({ 204: Type.Null({ description: 'Deleted' }) });

/** The exact text of a money field already shaped by its schema; a JSON number with more decimals than the column is refused here. */
function money(value: string | number, spec: MoneySpec, field: string): string {
  try {
    return moneyText(value, spec);
  } catch (err) {
    throw new ApiError('VALIDATION_ERROR', `${field} ${(err as Error).message}`, { field });
  }
}

/** Looking ahead: forecasts, budgets, cost alerts and optimisation suggestions. */
export const costPlanningRoutes: FastifyPluginAsyncTypebox<{ costs: CostService; controlPlane: ControlPlaneDb; now: () => Date }> = async (app, { costs, controlPlane, now }) => {
  app.get(
    '/api/v1/costs/forecast',
    {
      schema: {
        description: 'Spend forecast for the next 7 and 30 days (from today) with a ~95% interval',
        querystring: Type.Object({ agentId: Type.Optional(Type.String({ format: 'uuid' })), vendor: Type.Optional(Vendor) }),
        response: Responses({ 200: SuccessEnvelope(CostForecast) }),
      },
    },
    async (request) => {
      const scope = { organizationId: request.organizationId, agentId: request.query.agentId, vendor: request.query.vendor };
      // One history, read once, for every horizon.
      const history = await forecastHistory(costs, scope, now());
      const horizons = [7, 30].map((days) => {
        const f = forecastFrom(history, days);
        return { days, total: usd(f.total), lower: usd(f.lower), upper: usd(f.upper), daily: f.daily.map(usd) };
      });
      const f = forecastFrom(history, 1);
      return { success: true as const, data: { method: f.method, historyDays: f.history, dailyErrorSigma: usd(f.sigma), horizons } };
    },
  );

  app.post(
    '/api/v1/costs/budget',
    {
      schema: {
        description: 'Sets a budget (organisation-wide, or for one agent or vendor); the same name again updates it',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 255 }),
            agentId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
            vendor: Type.Optional(Type.Union([Vendor, Type.Null()])),
            period: Period,
            amount: Amount,
            alertThresholds: Type.Optional(Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 10 }), { maxItems: 10 })),
          },
          { additionalProperties: false },
        ),
        response: Responses({ 201: SuccessEnvelope(BudgetWithStatus) }),
      },
    },
    async (request, reply) => {
      requireRole(request.principal, 'member');
      const input = { ...request.body, amount: money(request.body.amount, { ...USD_COLUMN, positive: true }, 'body/amount') };
      const budget = await saveBudget(controlPlane, request, input);
      return reply.status(201).send({ success: true as const, data: { ...budget, status: await budgetStatus(costs, budget, now()) } });
    },
  );

  app.get('/api/v1/costs/budget', { schema: { response: Responses({ 200: SuccessEnvelope(Type.Array(BudgetWithStatus)) }) } }, async (request) => {
    return { success: true as const, data: await budgetsWithStatus(costs, controlPlane, request.organizationId, now()) };
  });

  app.delete('/api/v1/costs/budget/:id', { schema: { params: IdParams, response: Deleted } }, async (request, reply) => {
    requireRole(request.principal, 'member');
    await removeBudget(controlPlane, request, request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/api/v1/costs/alerts', { schema: { response: Responses({ 200: SuccessEnvelope(Type.Array(CostAlert)) }) } }, async (request) => ({ success: true as const, data: await listCostAlerts(controlPlane, request.organizationId) }));

  app.post(
    '/api/v1/costs/alerts',
    {
      schema: {
        description:
          'Creates a cost alert: THRESHOLD (spend this period above threshold), FORECAST (forecast for this period above threshold) or ANOMALY (the last hour far above the same hour on previous days). With budgetId instead of a threshold, the alert watches that budget: its amount, period and scope',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 255 }),
            alertType: Type.Union([Type.Literal('THRESHOLD'), Type.Literal('ANOMALY'), Type.Literal('FORECAST')]),
            threshold: Type.Optional(Type.Union([Threshold, Type.Null()])),
            budgetId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
            period: Type.Optional(Period),
            agentId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: Responses({ 201: SuccessEnvelope(CostAlert) }),
      },
    },
    async (request, reply) => {
      requireRole(request.principal, 'member');
      const { threshold, ...rest } = request.body;
      const body = { ...rest, threshold: threshold === undefined || threshold === null ? threshold : money(threshold, USD_COLUMN, 'body/threshold') };
      if (body.alertType !== 'ANOMALY' && body.threshold == null && !body.budgetId) throw new ApiError('VALIDATION_ERROR', `${body.alertType} alerts need a threshold or a budgetId`, { field: 'body/threshold' });
      return reply.status(201).send({ success: true as const, data: await createCostAlert(costs, controlPlane, request, body, now()) });
    },
  );

  app.delete('/api/v1/costs/alerts/:id', { schema: { params: IdParams, response: Deleted } }, async (request, reply) => {
    requireRole(request.principal, 'member');
    await removeCostAlert(controlPlane, request, request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/api/v1/costs/optimizations', { schema: { querystring: Type.Pick(RangeQuery, ['from', 'to']), response: Responses({ 200: SuccessEnvelope(Type.Array(CostOptimization), CostRangeMeta) }) } }, async (request) => {
    const range = parseRange(request.query, now());
    return { success: true as const, data: await suggestOptimizations(costs, request.organizationId, range.from, range.to), meta: rangeMeta(range) };
  });
};
