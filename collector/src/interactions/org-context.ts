import type { PriceBook } from '../costs/price-book';
import { priceCell } from '../costs/pricing';
import type { Atto } from '../costs/money';
import { vendorOfProvider } from '../connectors/registry';
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


export interface InteractionPrice {
  /** Null when the price book cannot price all of its tokens: never a silent 0. */
  cost: Atto | null;
  unpricedTokens: number;
  /** The same cost in 10^-12 USD (the table's unit), when it is a whole number a double holds exactly: rows and metrics then need no BigInt. */
  costMicros?: number;
}

/** Token types as the item counts them, beside the price book's type for each (cache writes at the 5-minute rate). */
const TYPES = [
  ['input', 'input'],
  ['output', 'output'],
  ['cacheRead', 'cache_read'],
  ['cacheWrite', 'cache_write_5m'],
] as const;
const DAY_MS = 86_400_000;
const ZERO = { input: 0, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 0 };

/** One model's rate per token of each type on one day (null: the book cannot price that type), as the book answers for one token. */
interface UnitRates {
  atto: readonly (Atto | null)[];
  /** The rate in 10^-12 USD when a whole number a double holds (rates to 6 decimals per million tokens), else null. */
  micro: readonly (number | null)[];
}
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
interface ModelPrices {
  vendor: string;
  model: string;
  days: Map<number, UnitRates>;
}

/**
 * Per price book, provider, request model and response model: what priceInteraction would look
 * up per request (the table's name of the model, its card on the day), looked up once. Dropped
 * with the book (an organisation's book is rebuilt every ORG_CONTEXT_TTL_MS).
 */
const memos = new WeakMap<PriceBook, Map<string, Map<string, Map<string, ModelPrices>>>>();
const MAX_MEMO_MODELS = 10_000;

function modelPrices(book: PriceBook, vendor: string, item: InteractionInput): ModelPrices {
  let byProvider = memos.get(book);
  if (!byProvider) memos.set(book, (byProvider = new Map()));
  let byRequest = byProvider.get(item.provider);
  if (!byRequest) byProvider.set(item.provider, (byRequest = new Map()));
  let byResponse = byRequest.get(item.requestModel);
  if (!byResponse) {
    if (byRequest.size >= MAX_MEMO_MODELS) byRequest.clear();
    byRequest.set(item.requestModel, (byResponse = new Map()));
  }
  const response = item.responseModel ?? '';
  let m = byResponse.get(response);
  if (!m) {
    // The model that answered is the one billed; a request model the book knows stands in when it does not.
    const model = item.responseModel && book.canonical(vendor, item.responseModel) ? item.responseModel : item.requestModel;
    if (byResponse.size >= MAX_MEMO_MODELS) byResponse.clear();
    byResponse.set(response, (m = { vendor, model, days: new Map() }));
  }
  return m;
}

function unitRates(book: PriceBook, m: ModelPrices, startedAtMs: number): UnitRates {
  const dayNumber = Math.floor(startedAtMs / DAY_MS);
  let rates = m.days.get(dayNumber);
  if (rates) return rates;
  const day = new Date(startedAtMs).toISOString().slice(0, 10);
  // Pricing is per token and type: one token of each type, priced as the whole request would be, gives every rate.
  const atto = TYPES.map(([, type]) => {
    const priced = priceCell(book, { vendor: m.vendor, model: m.model, day, serviceTier: 'standard', contextWindow: '', tokens: { ...ZERO, [type]: 1 } });
    return priced.unpriced.length === 0 ? priced.cost : null;
  });
  rates = { atto, micro: atto.map((r) => (r !== null && r >= 0n && r % 1_000_000n === 0n && r / 1_000_000n <= MAX_SAFE ? Number(r / 1_000_000n) : null)) };
  if (m.days.size >= 64) m.days.clear();
  m.days.set(dayNumber, rates);
  return rates;
}

/** Prices an interaction as the pull path prices usage: the same book, by day, model and token type. */
export function priceInteraction(book: PriceBook, item: InteractionInput): InteractionPrice {
  const t = item.tokens;
  // The price table's key of the provider's vendor, as the registry declares it; other providers are not priced.
  const vendor = vendorOfProvider(item.provider)?.priceTableKey;
  if (!vendor) return { cost: null, unpricedTokens: t.input + t.output + t.cacheRead + t.cacheWrite };
  const rates = unitRates(book, modelPrices(book, vendor, item), item.startedAtMs);
  let unpriced = 0;
  let micros = 0;
  let exact = true;
  for (let i = 0; i < TYPES.length; i++) {
    const n = t[TYPES[i]![0]];
    if (!(n > 0)) continue;
    const micro = rates.micro[i];
    if (rates.atto[i] === null) unpriced += n;
    else if (micro === null || micro === undefined || !Number.isSafeInteger(n)) exact = false;
    else micros += n * micro;
  }
  if (unpriced > 0) return { cost: null, unpricedTokens: unpriced };
  // Every product and the sum under 2^53 are exact in doubles; a sum past it means one may not be: BigInt then.
  if (exact && Number.isSafeInteger(micros)) return { cost: BigInt(micros) * 1_000_000n, unpricedTokens: 0, costMicros: micros };
  let cost = 0n;
  for (let i = 0; i < TYPES.length; i++) {
    const n = t[TYPES[i]![0]];
    if (n > 0) cost += BigInt(n) * rates.atto[i]!;
  }
  return { cost, unpricedTokens: 0 };
}
