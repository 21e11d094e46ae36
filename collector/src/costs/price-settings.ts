import type { PriceCard, StoredPriceOverride, Vendor } from '@ai-arm/schemas';
import { audited, auditedRemoval } from '../audit/audited';
import type { AuditedRequest } from '../audit/context';
import { ApiError } from '../errors';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { attoText } from './money';
import type { PriceOverride, Rates } from './price-book';
import { overrideProblems, PriceOverrideStore, type StoredOverride } from './price-overrides';
import type { CostService } from './service';

/** Rates per million tokens, as the API shows and takes them. */
const perMillion = (atto: bigint | undefined) => (atto === undefined ? null : attoText(atto * 1_000_000n, 6).replace(/\.?0+$/, ''));
const usdPerMillion = (r: Rates) => ({ input: perMillion(r.input), cachedInput: perMillion(r.cache_read), cacheWrite5m: perMillion(r.cache_write_5m), cacheWrite1h: perMillion(r.cache_write_1h), output: perMillion(r.output) });

const withInherited = (o: StoredOverride, inherited: string[]): StoredPriceOverride => ({ ...o, vendor: o.vendor as Vendor, inherited });

/** Every model's rates in force on `day` (the list, or the organisation's contract), and the organisation's overrides. */
export async function priceList(costs: CostService, organizationId: string, day: string): Promise<{ asOf: string; prices: PriceCard[]; overrides: StoredPriceOverride[] }> {
  const book = await costs.priceBook(organizationId);
  const prices = [...book.entries(day)].map((e) => ({
    vendor: e.vendor as Vendor,
    model: e.model,
    effectiveFrom: e.from,
    source: e.source,
    sourceUrl: e.sourceUrl,
    usdPerMillion: usdPerMillion(e.rates),
    longContext: e.longContext ? { contextWindow: e.longContext.contextWindow, usdPerMillion: usdPerMillion(e.longContext.rates) } : null,
    tiers: Object.fromEntries(Object.entries(e.tiers).map(([tier, r]) => [tier, usdPerMillion(r)])),
    inherited: e.inherited,
  }));
  const overrides = (await costs.overrides.list(organizationId)).map((o) => withInherited(o, o.error ? [] : book.inherit(o).card.inherited));
  return { asOf: day, prices, overrides };
}

/**
 * Sets a contract rate (audited): its rates checked, and the ones it leaves out inherited from
 * the list price in force on its date; with nothing to inherit them from, it is refused.
 */
export async function setPriceOverride(costs: CostService, db: ControlPlaneDb, request: AuditedRequest, o: PriceOverride & { note?: string }): Promise<StoredPriceOverride> {
  const problems = overrideProblems(o.entry).map((p) => ({ ...p, field: `body/${p.field}` }));
  if (problems.length > 0) throw new ApiError('VALIDATION_ERROR', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { field: problems[0]!.field, fields: problems });
  const { card, missing } = (await costs.priceBook(request.organizationId)).inherit(o);
  if (missing.length > 0) {
    throw new ApiError('VALIDATION_ERROR', `the price of ${o.vendor} ${o.model} from ${o.entry.effective_from} names no ${missing.join(', ')}, and no list price in force that day has them to inherit`, {
      field: 'body/entry',
      missing,
    });
  }
  const saved = await audited(db, request, async (tx) => {
    const stored = await new PriceOverrideStore(tx).put(request.organizationId, o);
    return { result: stored, audit: { action: 'price_override.set', resourceType: 'price_override', resourceId: stored.id, after: stored } };
  });
  return withInherited(saved!, card.inherited);
}

/** Removes one of the caller's contract rates, audited; a 404 when there is none. */
export function removePriceOverride(db: ControlPlaneDb, request: AuditedRequest, id: string): Promise<StoredOverride> {
  return auditedRemoval(db, request, id, {
    what: 'price override',
    resourceType: 'price_override',
    find: async (tx, org, overrideId) => (await new PriceOverrideStore(tx).list(org)).find((o) => o.id === overrideId),
    remove: (tx, o) => new PriceOverrideStore(tx).remove(request.organizationId, o.id),
  });
}
