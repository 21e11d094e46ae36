import type { UsageRecord } from '@ai-arm/schemas';
import { totalTokens } from './ledger';
import { usdText } from './money';
import { recordId, type CostQuery, type CostService } from './service';

/** Tokens, requests and priced cost per agent and day (agentId null: usage no attribution rule claims), each with its models. */
export async function usageRecords(costs: CostService, q: CostQuery): Promise<UsageRecord[]> {
  const { organizationId } = q;
  const cells = await costs.ledger(q, 'agent');
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
}
