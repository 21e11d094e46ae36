/**
 * The simulator's own view of each vendor's models and list prices (USD per million
 * tokens). Deliberately separate from the collector's price table: the two are held
 * against each other by the reconciliation tests, so they must not share code or data.
 */
export type SimVendor = 'openai' | 'anthropic';

/** OpenAI's service tiers as its usage API names them; batch is a separate flag, as OpenAI reports it. */
export type SimTier = 'default' | 'flex' | 'priority';

/** USD per million tokens at one tier. */
export interface TierPrices {
  input: number;
  cachedInput: number;
  output: number;
}

export interface SimModel {
  vendor: SimVendor;
  /** Dated snapshot as usage reports name it. */
  id: string;
  displayName: string;
  family: string;
  input: number;
  cachedInput: number;
  output: number;
  /**
   * OpenAI only: the model's flex (Batch API rates) and priority (openai.com/api-priority-processing)
   * prices, where it is offered at that tier.
   */
  flex?: TierPrices;
  priority?: TierPrices;
  /** Anthropic only: Sonnet 4 and 4.5 bill requests over 200k input tokens at a higher tier. */
  longContext?: boolean;
  embedding?: boolean;
  createdAt: string;
}

export const SIM_MODELS: readonly SimModel[] = [
  { vendor: 'openai', id: 'gpt-4o-2024-08-06', displayName: 'GPT-4o', family: 'gpt-4o', input: 2.5, cachedInput: 1.25, output: 10, priority: { input: 4.25, cachedInput: 2.125, output: 17 }, createdAt: '2024-08-06' },
  { vendor: 'openai', id: 'gpt-4o-mini-2024-07-18', displayName: 'GPT-4o mini', family: 'gpt-4o-mini', input: 0.15, cachedInput: 0.075, output: 0.6, priority: { input: 0.25, cachedInput: 0.125, output: 1 }, createdAt: '2024-07-18' },
  { vendor: 'openai', id: 'gpt-4.1-2025-04-14', displayName: 'GPT-4.1', family: 'gpt-4.1', input: 2, cachedInput: 0.5, output: 8, priority: { input: 3.5, cachedInput: 0.875, output: 14 }, createdAt: '2025-04-14' },
  { vendor: 'openai', id: 'o4-mini-2025-04-16', displayName: 'o4-mini', family: 'o4-mini', input: 1.1, cachedInput: 0.275, output: 4.4, flex: { input: 0.55, cachedInput: 0.1375, output: 2.2 }, priority: { input: 2, cachedInput: 0.5, output: 8 }, createdAt: '2025-04-16' },
  { vendor: 'openai', id: 'gpt-5-mini-2025-08-07', displayName: 'GPT-5 mini', family: 'gpt-5-mini', input: 0.25, cachedInput: 0.025, output: 2, flex: { input: 0.125, cachedInput: 0.0125, output: 1 }, priority: { input: 0.45, cachedInput: 0.045, output: 3.6 }, createdAt: '2025-08-07' },
  { vendor: 'openai', id: 'text-embedding-3-small', displayName: 'text-embedding-3-small', family: 'text-embedding-3-small', input: 0.02, cachedInput: 0.02, output: 0, embedding: true, createdAt: '2024-01-25' },
  { vendor: 'anthropic', id: 'claude-sonnet-4-5-20250929', displayName: 'Claude Sonnet 4.5', family: 'claude-sonnet-4-5', input: 3, cachedInput: 0.3, output: 15, longContext: true, createdAt: '2025-09-29' },
  { vendor: 'anthropic', id: 'claude-haiku-4-5-20251001', displayName: 'Claude Haiku 4.5', family: 'claude-haiku-4-5', input: 1, cachedInput: 0.1, output: 5, createdAt: '2025-10-01' },
  { vendor: 'anthropic', id: 'claude-opus-4-1-20250805', displayName: 'Claude Opus 4.1', family: 'claude-opus-4-1', input: 15, cachedInput: 1.5, output: 75, createdAt: '2025-08-05' },
  { vendor: 'anthropic', id: 'claude-3-5-haiku-20241022', displayName: 'Claude Haiku 3.5', family: 'claude-3-5-haiku', input: 0.8, cachedInput: 0.08, output: 4, createdAt: '2024-10-22' },
];

/**
 * Served only in demo mode, so a newcomer sees unpriced spend: the vendor bills it, the
 * collector's price table does not know it.
 */
export const DEMO_UNPRICED_MODEL: SimModel = {
  vendor: 'openai', id: 'o1-pro-2025-03-19', displayName: 'o1-pro', family: 'o1-pro', input: 150, cachedInput: 150, output: 600, createdAt: '2025-03-19',
};

/** Billing rules beyond list prices, as each vendor documents them. */
export const BILLING_RULES = {
  batchDiscount: 0.5,
  anthropicCacheWrite5m: 1.25,
  anthropicCacheWrite1h: 2,
  anthropicCacheRead: 0.1,
  anthropicLongContextInput: 2,
  anthropicLongContextOutput: 1.5,
  longContextThreshold: 200_000,
} as const;
