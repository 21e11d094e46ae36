import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { UsageRecord } from '@ai-arm/schemas';
import { totalTokens } from '../../costs/ledger';
import { usdText } from '../../costs/money';
import { recordId, type CostService } from '../../costs/service';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import { parseRange, RangeQuery } from './range';
import { breakdown, BREAKDOWNS, summary } from './summaries';

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
  const usage = async (organizationId: string, q: RangeQuery) => {
    const range = parseRange(q, now());
    const cells = await costs.ledger({ organizationId, ...range, vendor: q.vendor, agentId: q.agentId }, 'agent');
    const records = new Map<string, UsageRecord & { _cost: bigint; _output: bigint }>();
    for (const c of cells) {
      const key = `${c.dim}|${c.day}`;
      let r = records.get(key);
      if (!r) {
        r = {
          id: recordId(organizationId, 'usage', c.dim, c.day),
          organizationId,
          agentId: c.dim || null,
          timestamp: `${c.day}T00:00:00.000Z`,
          periodType: 'DAY',
          inputTokens: 0,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 0,
          totalTokens: 0,
          inputCost: '0.00',
          outputCost: '0.00',
          totalCost: '0.00',
          currency: 'USD',
          requestCount: 0,
          errorCount: 0,
          modelBreakdown: [],
          _cost: 0n,
          _output: 0n,
        };
        records.set(key, r);
      }
      r.inputTokens += c.tokens.input;
      r.cachedInputTokens += c.tokens.cache_read;
      r.cacheWriteTokens += c.tokens.cache_write_5m + c.tokens.cache_write_1h;
      r.outputTokens += c.tokens.output;
      r.totalTokens += totalTokens(c.tokens);
      r.requestCount += c.requests;
      r._cost += c.cost;
      r._output += c.outputCost;
      r.modelBreakdown.push({ model: c.model, tokens: totalTokens(c.tokens), cost: usdText(c.cost), requests: c.requests });
    }
    return [...records.values()].map(({ _cost, _output, ...r }) => ({ ...r, totalCost: usdText(_cost), outputCost: usdText(_output), inputCost: usdText(_cost - _output) }));
  };
  const usageSchema = { schema: { querystring: RangeQuery, description: 'Tokens, requests and priced cost per agent and day (agentId null: usage no attribution rule claims)' } };
  for (const url of ['/api/v1/costs/usage', '/api/v1/metrics/usage']) {
    app.get(url, usageSchema, async (request) => ({ success: true as const, data: await usage(request.organizationId, request.query) }));
  }

  const reconciliationSchema = { schema: { querystring: RangeQuery, description: 'Computed cost beside the vendor bill per day, vendor and project, with unpriced and unattributed spend' } };
  for (const url of ['/api/v1/costs/reconciliation', '/api/v1/metrics/costs']) {
    app.get(url, reconciliationSchema, async (request) => {
      const records = await costs.reconcile({ organizationId: request.organizationId, ...parseRange(request.query, now()), vendor: request.query.vendor });
      return { success: true as const, data: records, meta: { total: records.length } };
    });
  }

  app.get('/api/v1/costs/summary', { schema: { querystring: Type.Pick(RangeQuery, ['vendor', 'agentId']) } }, async (request) => ({
    success: true as const,
    data: await summary(costs, request.organizationId, now(), request.query),
  }));

  app.get(
    '/api/v1/costs/breakdown',
    { schema: { querystring: Type.Intersect([RangeQuery, Type.Object({ by: Type.Optional(Type.Union(BREAKDOWNS.map((b) => Type.Literal(b)), { default: 'agent' })) })]) } },
    async (request) => {
      const range = parseRange(request.query, now());
      const by = request.query.by ?? 'agent';
      const data = await breakdown(costs, controlPlane, { organizationId: request.organizationId, ...range, vendor: request.query.vendor, agentId: request.query.agentId }, by);
      return { success: true as const, data };
    },
  );
};
