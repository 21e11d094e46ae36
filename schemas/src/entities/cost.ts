import { Type, type Static } from '@sinclair/typebox';
import { Currency, Decimal, Id, Nullable, Timestamp } from '../common';
import { Vendor } from '../enums';

export const PeriodType = Type.Union([Type.Literal('HOUR'), Type.Literal('DAY'), Type.Literal('MONTH')], { $id: 'PeriodType', title: 'PeriodType' });
export type PeriodType = Static<typeof PeriodType>;

export const ModelUsage = Type.Object(
  {
    model: Type.String(),
    tokens: Type.Integer({ minimum: 0 }),
    cost: Decimal,
    requests: Type.Integer({ minimum: 0 }),
  },
  { $id: 'ModelUsage', title: 'ModelUsage' },
);
export type ModelUsage = Static<typeof ModelUsage>;

export const UsageRecord = Type.Object(
  {
    id: Id,
    organizationId: Id,
    agentId: Nullable(Id),
    timestamp: Timestamp,
    periodType: PeriodType,
    inputTokens: Type.Integer({ minimum: 0 }),
    cachedInputTokens: Type.Integer({ minimum: 0 }),
    cacheWriteTokens: Type.Integer({ minimum: 0 }),
    outputTokens: Type.Integer({ minimum: 0 }),
    totalTokens: Type.Integer({ minimum: 0 }),
    inputCost: Decimal,
    outputCost: Decimal,
    totalCost: Decimal,
    currency: Currency,
    requestCount: Type.Integer({ minimum: 0 }),
    errorCount: Type.Integer({ minimum: 0 }),
    modelBreakdown: Type.Array(ModelUsage),
  },
  { $id: 'UsageRecord', title: 'UsageRecord', description: 'Tokens, requests and priced cost of one agent over one period' },
);
export type UsageRecord = Static<typeof UsageRecord>;

export const CostRecord = Type.Object(
  {
    id: Id,
    organizationId: Id,
    vendor: Vendor,
    date: Type.String({ format: 'date' }),
    projectId: Nullable(Type.String({ description: 'Vendor project or workspace id' })),
    model: Nullable(Type.String()),
    computedCost: Decimal,
    billedCost: Nullable(Decimal),
    unpricedCost: Type.String({ pattern: Decimal.pattern, description: 'Billed for lines the price book cannot price on that day (model, token type, tier or context window); unpricedReasons says why' }),
    unattributedCost: Type.String({ pattern: Decimal.pattern, description: 'Computed cost no attribution rule assigns to an agent' }),
    unexplainedCost: Nullable(Type.String({ pattern: Decimal.pattern, description: 'Billed minus computed minus unpriced: the part of the bill nothing accounts for; null until the day is billed' })),
    unpricedReasons: Type.Array(Type.String(), { description: 'Why the unpriced usage and bill lines could not be priced' }),
    currency: Currency,
  },
  {
    $id: 'CostRecord',
    title: 'CostRecord',
    description: 'Computed cost beside the vendor bill for one day, vendor and project; amounts are exact decimals (round where shown)',
  },
);
export type CostRecord = Static<typeof CostRecord>;

export const CostAlertType = Type.Union([Type.Literal('THRESHOLD'), Type.Literal('ANOMALY'), Type.Literal('FORECAST')], { $id: 'CostAlertType', title: 'CostAlertType' });

export const CostAlert = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1, maxLength: 255 }),
    agentId: Nullable(Id),
    alertType: CostAlertType,
    threshold: Nullable(Decimal),
    budgetId: Nullable(Type.String({ format: 'uuid', description: 'A FORECAST or THRESHOLD alert on a budget takes its amount, period and scope' })),
    period: Type.Union([Type.Literal('DAY'), Type.Literal('WEEK'), Type.Literal('MONTH')]),
    firing: Type.Boolean(),
    triggeredAt: Nullable(Timestamp),
    actualCost: Nullable(Decimal),
    message: Type.String({ description: 'What the last evaluation saw, in words' }),
  },
  { $id: 'CostAlert', title: 'CostAlert', description: 'A cost rule and what its last evaluation saw; agentId null means org-wide' },
);
export type CostAlert = Static<typeof CostAlert>;

export const Budget = Type.Object(
  {
    id: Id,
    organizationId: Id,
    name: Type.String({ minLength: 1, maxLength: 255 }),
    agentId: Nullable(Id),
    vendor: Nullable(Vendor),
    period: Type.Union([Type.Literal('DAY'), Type.Literal('WEEK'), Type.Literal('MONTH')]),
    amount: Decimal,
    currency: Currency,
    alertThresholds: Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 10 }), { description: 'Fractions of the amount that alert, e.g. [0.5, 0.8, 1]' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Budget', title: 'Budget', description: 'A spending limit over a period, org-wide or for one agent or vendor' },
);
export type Budget = Static<typeof Budget>;

const Level = Type.Union([Type.Literal('LOW'), Type.Literal('MEDIUM'), Type.Literal('HIGH')]);

export const CostOptimization = Type.Object(
  {
    id: Id,
    organizationId: Id,
    agentId: Nullable(Id),
    optimizationType: Type.Union([
      Type.Literal('MODEL_DOWNGRADE'),
      Type.Literal('PROMPT_CACHING'),
      Type.Literal('BATCH_API'),
      Type.Literal('IDLE_AGENT'),
    ]),
    currentCost: Decimal,
    projectedSavings: Decimal,
    recommendation: Type.String(),
    implementation: Type.String({ description: 'How to implement it' }),
    effort: Level,
    impact: Level,
  },
  { $id: 'CostOptimization', title: 'CostOptimization', description: 'A suggestion with the savings it projects' },
);
export type CostOptimization = Static<typeof CostOptimization>;
