import type { CostOptimization } from '@ai-arm/schemas';
import { vendorSpec } from '../connectors/registry';
import { attoToNumber, centsOf, type Atto } from './money';
import type { PriceBook, TokenCounts } from './price-book';
import { recordId, type CostService } from './service';
import { dailyUsage, type DailyUsage } from './usage-query';

/** The assumptions behind each suggestion, stated so its savings can be checked by re-pricing. */
export const OPTIMIZATION_RULES = {
  /** Prompt caching is suggested below this cache hit rate (cache reads / all input)... */
  lowCacheHitRate: 0.2,
  /** ...on at least this much input over the window... */
  minInputTokens: 1_000_000,
  /** ...and priced as if the hit rate rose to this, */
  targetCacheHitRate: 0.5,
  /** with one cache write (5 minutes) per this many cached reads where the vendor bills writes. */
  readsPerWrite: 10,
  /** Savings below this (USD over the window) are not worth a suggestion. */
  minSavingsUsd: 0.01,
};

type Mix = Pick<DailyUsage, 'day' | 'vendor' | 'model' | 'service_tier' | 'context_window'> & { tokens: TokenCounts };

/** Prices a token mix; a part the book cannot price makes the whole comparison meaningless, so it returns null. */
export function priceMix(book: PriceBook, rows: readonly Mix[]): Atto | null {
  let sum = 0n;
  for (const r of rows) {
    const p = book.price({ vendor: r.vendor, model: r.model, day: r.day, serviceTier: r.service_tier, contextWindow: r.context_window, tokens: r.tokens });
    if (!p.priced) return null;
    sum += p.cost;
  }
  return sum;
}

/** The changes each suggestion prices: the same traffic, moved to a cheaper model, the cache, or the batch tier. */
export const CHANGES = {
  MODEL_DOWNGRADE: (rows: readonly Mix[], cheaper: string): Mix[] => rows.map((r) => ({ ...r, model: cheaper })),
  PROMPT_CACHING: (rows: readonly Mix[], billsWrites: boolean): Mix[] =>
    rows.map((r) => {
      const input = r.tokens.input + r.tokens.cache_read;
      const moved = Math.max(0, Math.round(input * OPTIMIZATION_RULES.targetCacheHitRate) - r.tokens.cache_read);
      const writes = billsWrites ? Math.round(moved / OPTIMIZATION_RULES.readsPerWrite) : 0;
      return { ...r, tokens: { ...r.tokens, input: r.tokens.input - moved, cache_read: r.tokens.cache_read + moved, cache_write_5m: r.tokens.cache_write_5m + writes } };
    }),
  BATCH_API: (rows: readonly Mix[]): Mix[] => rows.map((r) => ({ ...r, service_tier: 'batch' })),
};

/**
 * Suggestions from the organisation's own traffic over [from, to), per agent and model: a
 * cheaper model of the same family, prompt caching where the hit rate is low, and the batch
 * tier for traffic already shown to tolerate it (an agent that batches some of its calls, or
 * embeddings). Each saving is the current cost minus the same token mix re-priced under the change.
 */
export async function suggestOptimizations(costs: CostService, organizationId: string, from: string, to: string): Promise<CostOptimization[]> {
  const book = await costs.priceBook(organizationId);
  const rules = await costs.attribution.list(organizationId);
  const rows = await dailyUsage(costs.telemetry, { organizationId, from, to, by: 'agent', rules });
  const groups = new Map<string, DailyUsage[]>();
  for (const r of rows) {
    const key = `${r.dim}|${r.vendor}|${r.model}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: CostOptimization[] = [];
  for (const [key, group] of groups) {
    const [agent, vendor, model] = key.split('|') as [string, string, string];
    const mix: Mix[] = group.map((r) => ({ day: r.day, vendor: r.vendor, model: r.model, service_tier: r.service_tier, context_window: r.context_window, tokens: { input: r.input, cache_read: r.cache_read, cache_write_5m: r.cache_write_5m, cache_write_1h: r.cache_write_1h, output: r.output } }));
    const current = priceMix(book, mix);
    if (current === null || current === 0n) continue;
    const suggest = (type: CostOptimization['optimizationType'], changed: Mix[], text: string, how: string, effort: CostOptimization['effort']) => {
      const after = priceMix(book, changed);
      if (after === null) return;
      const saved = attoToNumber(current - after);
      if (saved < OPTIMIZATION_RULES.minSavingsUsd) return;
      const share = saved / attoToNumber(current);
      out.push({
        id: recordId(organizationId, 'optimization', type, key, from, to),
        organizationId,
        agentId: agent || null,
        optimizationType: type,
        currentCost: centsOf(current),
        projectedSavings: centsOf(current - after),
        recommendation: text,
        implementation: how,
        effort,
        impact: share >= 0.3 ? 'HIGH' : share >= 0.1 ? 'MEDIUM' : 'LOW',
      });
    };
    const cheaper = book.cheaperThan(vendor, model);
    if (cheaper) suggest('MODEL_DOWNGRADE', CHANGES.MODEL_DOWNGRADE(mix, cheaper), `Move ${model} traffic to ${cheaper}, a cheaper model of the same family`, `Change the agent's model to ${cheaper} and compare its quality scores for a week before moving all traffic.`, 'MEDIUM');
    const input = mix.reduce((s, r) => s + r.tokens.input + r.tokens.cache_read, 0);
    const cached = mix.reduce((s, r) => s + r.tokens.cache_read, 0);
    if (input >= OPTIMIZATION_RULES.minInputTokens && cached / input < OPTIMIZATION_RULES.lowCacheHitRate) {
      const billsWrites = vendorSpec(vendor)?.promptCaching.billsWrites ?? false;
      suggest('PROMPT_CACHING', CHANGES.PROMPT_CACHING(mix, billsWrites), `Cache hit rate on ${model} is ${((100 * cached) / input).toFixed(1)}%: cache the shared prompt prefix`, vendorSpec(vendor)?.promptCaching.advice ?? 'Put the stable part of the prompt first so the vendor can cache it.', 'LOW');
    }
    const standard = mix.filter((r) => r.service_tier !== 'batch');
    const batchesAlready = standard.length < mix.length;
    if (standard.length > 0 && (batchesAlready || group.some((r) => r.model.includes('embedding')))) {
      suggest('BATCH_API', [...mix.filter((r) => r.service_tier === 'batch'), ...CHANGES.BATCH_API(standard)], `Send the rest of this ${model} traffic through the Batch API (50% off)`, 'Queue latency-insensitive requests as batch jobs; results arrive within 24 hours.', 'MEDIUM');
    }
  }
  return out.sort((a, b) => Number(b.projectedSavings) - Number(a.projectedSavings));
}
