import type { PriceBook } from '../costs/price-book';
import { priceCell } from '../costs/pricing';
import type { Atto } from '../costs/money';
import { VENDOR_REGISTRY } from '../connectors/registry';
import { vendorToProvider } from '../metrics/instruments.generated';
import { asTenant } from '../stores/tenant-scope';
import type { SqlExecutor } from '../stores/postgres/types';
import type { InteractionInput } from './interaction';

/** How long an organisation's price book and content-capture choice are reused before being read again. */
export const ORG_CONTEXT_TTL_MS = 30_000;

export interface OrgContext {
  book: PriceBook;
  contentCapture: boolean;
}

/**
 * What the pipeline needs of an organisation per interaction (its prices, whether it captures
 * content), read at most every ORG_CONTEXT_TTL_MS instead of per request: a price override or a
 * changed setting takes effect within that time.
 */
export class OrgContexts {
  private readonly cache = new Map<string, { at: number; ctx: Promise<OrgContext> }>();

  constructor(
    private readonly db: SqlExecutor,
    private readonly priceBook: (organizationId: string) => Promise<PriceBook>,
    private readonly clock: () => number = Date.now,
  ) {}

  get(organizationId: string): Promise<OrgContext> {
    const hit = this.cache.get(organizationId);
    if (hit && this.clock() - hit.at < ORG_CONTEXT_TTL_MS) return hit.ctx;
    const ctx = asTenant(organizationId, async () => {
      const [row] = await this.db.query<{ content_capture: boolean }>('SELECT content_capture FROM organizations WHERE id = $1', [organizationId]);
      return { book: await this.priceBook(organizationId), contentCapture: row?.content_capture === true };
    });
    this.cache.set(organizationId, { at: this.clock(), ctx });
    ctx.catch(() => this.cache.delete(organizationId));
    return ctx;
  }

  /** The organisation changed a setting here: read it again on the next interaction. */
  invalidate(organizationId: string): void {
    this.cache.delete(organizationId);
  }
}

/** gen_ai.provider.name to the price table's vendor key, as the vendor registry declares it; unknown providers are not priced. */
const PRICE_VENDOR = new Map<string, string>(VENDOR_REGISTRY.map((s) => [vendorToProvider(s.vendor), s.priceTableKey]));

export interface InteractionPrice {
  /** Null when the price book cannot price all of its tokens: never a silent 0. */
  cost: Atto | null;
  unpricedTokens: number;
}

/** Prices an interaction as the pull path prices usage: the same book, by day, model and token type. */
export function priceInteraction(book: PriceBook, item: InteractionInput): InteractionPrice {
  const t = item.tokens;
  const total = t.input + t.output + t.cacheRead + t.cacheWrite;
  const vendor = PRICE_VENDOR.get(item.provider);
  if (!vendor) return { cost: null, unpricedTokens: total };
  const day = new Date(item.startedAtMs).toISOString().slice(0, 10);
  // The model that answered is the one billed; a request model the book knows stands in when it does not.
  const model = item.responseModel && book.canonical(vendor, item.responseModel) ? item.responseModel : item.requestModel;
  // Cache writes at the 5-minute rate: the default TTL of the vendors that bill writes.
  const priced = priceCell(book, { vendor, model, day, serviceTier: 'standard', contextWindow: '', tokens: { input: t.input, cache_read: t.cacheRead, cache_write_5m: t.cacheWrite, cache_write_1h: 0, output: t.output } });
  if (priced.unpriced.length === 0) return { cost: priced.cost, unpricedTokens: 0 };
  return { cost: null, unpricedTokens: priced.unpriced.reduce((n, p) => n + p.tokens, 0) };
}
