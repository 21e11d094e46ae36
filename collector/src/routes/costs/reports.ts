import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CostBreakdownRow, CostPeriodTotal, CostRecord, ReconciliationMeta, Responses, SuccessEnvelope, UsageRecord } from '@ai-arm/schemas';
import type { CostService } from '../../costs/service';
import { breakdown, BREAKDOWNS, summary } from '../../costs/summaries';
import { reconciliation } from '../../costs/tracked';
import { usageRecords } from '../../costs/usage-records';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import { parseRange, RangeQuery } from './range';

export interface CostReportOptions {
  costs: CostService;
  controlPlane: ControlPlaneDb;
  now: () => Date;
}

/**
 * Read-side cost API: usage per agent and day, the summary, breakdowns and reconciliation with
 * the bill. The PRD's /api/v1/metrics/usage and /metrics/costs are the same handlers.
 */
export const costReportRoutes: FastifyPluginAsyncTypebox<CostReportOptions> = async (app, { costs, controlPlane, now }) => {
  const usage = (organizationId: string, q: RangeQuery) => usageRecords(costs, { organizationId, ...parseRange(q, now()), vendor: q.vendor, agentId: q.agentId });
  const usageSchema = { schema: { querystring: RangeQuery, response: Responses({ 200: SuccessEnvelope(Type.Array(UsageRecord)) }), description: 'Tokens, requests and priced cost per agent and day (agentId null: usage no attribution rule claims)' } };
  for (const url of ['/api/v1/costs/usage', '/api/v1/metrics/usage']) {
    app.get(url, usageSchema, async (request) => ({ success: true as const, data: await usage(request.organizationId, request.query) }));
  }

  const reconciliationSchema = { schema: { querystring: RangeQuery, response: Responses({ 200: SuccessEnvelope(Type.Array(CostRecord), ReconciliationMeta) }), description: 'Computed cost beside the vendor bill per day, vendor and project, with unpriced and unattributed spend; meta.tracked: per vendor and day, the cost of pushed requests and the part of the bill none accounts for' } };
  for (const url of ['/api/v1/costs/reconciliation', '/api/v1/metrics/costs']) {
    app.get(url, reconciliationSchema, async (request) => {
      const { records, tracked } = await reconciliation(costs, { organizationId: request.organizationId, ...parseRange(request.query, now()), vendor: request.query.vendor });
      return { success: true as const, data: records, meta: { total: records.length, tracked } };
    });
  }

  app.get('/api/v1/costs/summary', { schema: { querystring: Type.Pick(RangeQuery, ['vendor', 'agentId']), response: Responses({ 200: SuccessEnvelope(Type.Array(CostPeriodTotal)) }) } }, async (request) => ({
    success: true as const,
    data: await summary(costs, request.organizationId, now(), request.query),
  }));

  app.get(
    '/api/v1/costs/breakdown',
    {
      schema: {
        querystring: Type.Intersect([RangeQuery, Type.Object({ by: Type.Optional(Type.Union(BREAKDOWNS.map((b) => Type.Literal(b)), { default: 'agent' })) })]),
        response: Responses({ 200: SuccessEnvelope(Type.Array(CostBreakdownRow)) }),
      },
    },
    async (request) => {
      const range = parseRange(request.query, now());
      const by = request.query.by ?? 'agent';
      const data = await breakdown(costs, controlPlane, { organizationId: request.organizationId, ...range, vendor: request.query.vendor, agentId: request.query.agentId }, by);
      return { success: true as const, data };
    },
  );
};
