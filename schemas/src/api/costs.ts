import { Type, type Static } from '@sinclair/typebox';
import { Currency, Decimal, Id, Nullable, Timestamp } from '../common';
import { Vendor as VendorEnum } from '../enums';
import { Budget } from '../entities/cost';
import { Inline } from './shared';

/** Response shapes of the collector's costs routes: the collector serialises with them, the plugin is typed from them. */

/** One answer names vendors in several places, and a $id may appear only once in it. */
const Vendor = Inline(VendorEnum);
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD, UTC' });
const Dec = (description: string) => Type.String({ pattern: Decimal.pattern, description });
const Count = Type.Integer({ minimum: 0 });

/** One period of GET /api/v1/costs/summary: computed cost beside what the vendors billed. */
export const CostPeriodTotal = Type.Object(
  {
    period: Type.Union([Type.Literal('today'), Type.Literal('week'), Type.Literal('month')]),
    from: Day,
    to: Type.String({ format: 'date', description: 'Last day, inclusive' }),
    computedCost: Decimal,
    billedCost: Nullable(Dec('What the vendors billed; null for one agent (bills are never per agent)')),
    tokens: Count,
    requests: Count,
    unpricedTokens: Count,
    currency: Currency,
  },
  { description: 'Today, the last 7 days or the month to date' },
);
export type CostPeriodTotal = Static<typeof CostPeriodTotal>;

/** One row of GET /api/v1/costs/breakdown, largest cost first. */
export const CostBreakdownRow = Type.Object(
  {
    key: Nullable(Type.String({ description: 'Agent id, model, vendor or project; null for usage no rule attributes (by agent) or no project' })),
    name: Type.String({ description: "The agent's name, or the key itself; 'unattributed' or '(none)' when there is no key" }),
    vendor: Type.String(),
    cost: Decimal,
    share: Type.Number({ minimum: 0, maximum: 1, description: 'Share of the total cost' }),
    tokens: Count,
    requests: Count,
    unpricedTokens: Count,
  },
  { description: 'Cost, tokens and requests of one agent, model, vendor or project' },
);
export type CostBreakdownRow = Static<typeof CostBreakdownRow>;

/**
 * One vendor and day of the reconciliation (GET /api/v1/costs/reconciliation, meta.tracked): the
 * vendor's bill beside the cost of the requests agents pushed. Pushed requests name no project,
 * so this is per vendor and day, summed over the day's records.
 */
export const TrackedCostDay = Type.Object(
  {
    date: Day,
    vendor: Vendor,
    computedCost: Dec("The usage the vendor reported, priced: the day's records summed"),
    billedCost: Nullable(Dec('What the vendor billed; null until the day is billed')),
    trackedCost: Dec('The priced cost of the requests agents pushed (OTLP or the ingest API) to this vendor'),
    untrackedCost: Nullable(Dec('Billed less tracked when the bill is the larger: spend the vendor billed that no pushed request accounts for; null until the day is billed')),
    requests: Type.Integer({ minimum: 0, description: 'Requests pushed to this vendor that day' }),
    unpricedRequests: Type.Integer({ minimum: 0, description: 'Pushed requests the price book could not price: in requests, not in trackedCost' }),
    currency: Currency,
  },
  { title: 'TrackedCostDay', description: 'A vendor and day: computed, billed and tracked cost, and the part of the bill no pushed request accounts for; exact decimals' },
);
export type TrackedCostDay = Static<typeof TrackedCostDay>;

/** Meta of GET /api/v1/costs/reconciliation. */
export const ReconciliationMeta = Type.Object({
  total: Type.Integer({ minimum: 0, description: 'Records in data' }),
  tracked: Type.Array(TrackedCostDay, { description: 'Per vendor and day, oldest first: the bill beside the cost of pushed requests' }),
});
export type ReconciliationMeta = Static<typeof ReconciliationMeta>;

export const ForecastHorizon = Type.Object({
  days: Count,
  total: Decimal,
  lower: Dec('Lower end of the ~95% interval of the total'),
  upper: Dec('Upper end of the ~95% interval of the total'),
  daily: Type.Array(Decimal, { description: 'Point forecast per day, from today' }),
});
export type ForecastHorizon = Static<typeof ForecastHorizon>;

/** GET /api/v1/costs/forecast. */
export const CostForecast = Type.Object({
  method: Type.String(),
  historyDays: Type.Integer({ minimum: 0, description: 'Days of history the forecast is built on' }),
  dailyErrorSigma: Dec("Standard deviation of the model's one-day-ahead errors, USD"),
  horizons: Type.Array(ForecastHorizon),
});
export type CostForecast = Static<typeof CostForecast>;

export const BudgetStatus = Type.Object({
  period: Type.Object({ from: Day, to: Type.String({ format: 'date', description: 'Exclusive' }) }),
  spent: Decimal,
  remaining: Decimal,
  spentRatio: Type.Number({ minimum: 0 }),
  crossed: Nullable(Type.Number({ description: 'The highest alert threshold the spend has crossed' })),
});
export type BudgetStatus = Static<typeof BudgetStatus>;

/** A budget with how much of its current period is spent. */
export const BudgetWithStatus = Type.Object({ ...Budget.properties, status: BudgetStatus }, { description: Budget.description });
export type BudgetWithStatus = Static<typeof BudgetWithStatus>;

/** Meta of an answer computed over a range: the range as the engine read it, `to` exclusive. */
export const CostRangeMeta = Type.Object({ from: Type.String(), to: Type.String() });
export type CostRangeMeta = Static<typeof CostRangeMeta>;

const PerMillion = Nullable(Type.String({ pattern: Decimal.pattern, description: 'USD per million tokens; null when the entry has no such rate' }));
export const UsdPerMillion = Type.Object({ input: PerMillion, cachedInput: PerMillion, cacheWrite5m: PerMillion, cacheWrite1h: PerMillion, output: PerMillion });
export type UsdPerMillion = Static<typeof UsdPerMillion>;

/** A model's rates in force on a day, from the list or the organisation's contract. */
export const PriceCard = Type.Object({
  vendor: Vendor,
  model: Type.String(),
  effectiveFrom: Day,
  source: Type.Union([Type.Literal('list'), Type.Literal('override')]),
  sourceUrl: Nullable(Type.String({ description: 'The vendor page a list row cites; for an override, the page of the list row it inherits from' })),
  usdPerMillion: UsdPerMillion,
  longContext: Nullable(Type.Object({ contextWindow: Type.String(), usdPerMillion: UsdPerMillion })),
  tiers: Type.Record(Type.String(), UsdPerMillion, { description: 'Rates per priced service tier (flex, priority)' }),
  inherited: Type.Array(Type.String(), { description: 'Rates an override took from the list row in force on its date' }),
});
export type PriceCard = Static<typeof PriceCard>;

/** A contract rate as stored, with the rates it inherits from the list. */
export const StoredPriceOverride = Type.Object({
  id: Id,
  vendor: Vendor,
  model: Type.String(),
  entry: Type.Unknown({ description: 'The PriceOverrideEntry as sent; one stored before rates were checked may not be one (error says why)' }),
  note: Nullable(Type.String()),
  createdAt: Timestamp,
  error: Type.Optional(Type.String({ description: 'Why this override cannot price: the list price applies instead' })),
  inherited: Type.Array(Type.String()),
});
export type StoredPriceOverride = Static<typeof StoredPriceOverride>;

/** GET /api/v1/costs/prices. */
export const PriceList = Type.Object({ asOf: Day, prices: Type.Array(PriceCard), overrides: Type.Array(StoredPriceOverride) });
export type PriceList = Static<typeof PriceList>;

/** Usage of an API key, or of a whole project or workspace, belongs to an agent. */
export const AttributionRule = Type.Object({
  vendor: Vendor,
  matchKind: Type.Union([Type.Literal('api_key'), Type.Literal('project')]),
  matchValue: Type.String(),
  agentId: Id,
});
export type AttributionRule = Static<typeof AttributionRule>;
