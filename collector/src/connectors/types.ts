import type { AgentConfig, AgentType, HealthStatus, Vendor } from '@ai-arm/schemas';

/**
 * Usage at the vendor's own grain: one row per bucket, project (OpenAI) or workspace
 * (Anthropic), API key, model, operation, tier and context window, with the vendor's ids.
 * Each token is counted once: `input_tokens` is uncached input.
 */
export interface UsageRow {
  vendor: Vendor;
  /** ClickHouse DateTime text, UTC: `2026-11-20 13:00:00`. */
  bucket_start: string;
  bucket_width: '1h' | '1d';
  project_id: string;
  api_key_id: string;
  model: string;
  operation: 'chat' | 'embeddings';
  /** OpenAI's flex and priority tiers are priced at their own rates; any other tier a vendor names is kept as named (and unpriced). */
  service_tier: ServiceTier;
  /** Anthropic's `0-200k` or `200k-1M`; empty where the vendor does not report one. */
  context_window: string;
  /** Anthropic's usage report has no request count: 0 there. */
  requests: number;
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_5m_tokens: number;
  cache_write_1h_tokens: number;
  output_tokens: number;
}

/** One line of the vendor's bill for one day, in US dollars as an exact decimal string. */
export interface CostRow {
  vendor: Vendor;
  day: string;
  project_id: string;
  api_key_id: string;
  /** The vendor's own wording (OpenAI line_item, Anthropic description). */
  line_item: string;
  model: string;
  token_type: '' | 'input' | 'cache_read' | 'cache_write_5m' | 'cache_write_1h' | 'output';
  service_tier: '' | 'standard' | 'batch' | 'flex' | 'priority';
  context_window: string;
  amount_usd: string;
}

// `string & {}` keeps the known tiers in editors' completions while letting an unknown one through.
export type ServiceTier = 'standard' | 'batch' | 'flex' | 'priority' | (string & {});

export interface DiscoveredAgent {
  vendor: Vendor;
  vendorAgentId: string;
  name: string;
  type: AgentType;
  config: AgentConfig;
  metadata: Record<string, unknown>;
  createdAt: string;
}

export interface HealthProbe {
  status: HealthStatus;
  latencyMs: number;
  /** Why it is not HEALTHY, in plain words. */
  error?: string;
  details: { exists: boolean | null; modelServed: boolean | null; httpStatus?: number; probe: string };
}

export interface TimeRange {
  /** Unix seconds, inclusive. */
  start: number;
  /** Unix seconds, exclusive. */
  end: number;
}

/** A page of rows and how far it reaches: the poller's checkpoint. */
export interface Page<R> {
  rows: R[];
  /** End (unix seconds) of the last bucket this page covered. */
  reached: number;
}

/**
 * One report endpoint of a vendor (OpenAI completions usage, Anthropic cost report, ...):
 * the poller keeps a watermark per feed.
 */
export interface Feed<R> {
  /** Stable name, the watermark's key: `openai.usage.completions`. */
  name: string;
  /** Bucket length in seconds. */
  bucketSeconds: number;
  /** `rowsPerPage` (ARM_POLL_PAGE_ROWS) sizes each request's time window; the vendor may still split it into pages. */
  pages(range: TimeRange, opts?: { rowsPerPage?: number }): AsyncGenerator<Page<R>>;
}

/** The vendor account (organisation) a key belongs to: two connections to one account would count its cost twice. */
export interface VendorAccount {
  id: string;
  name: string | null;
}

/** What the poller needs from a vendor; each implementation takes an injected SDK client. */
export interface Connector {
  readonly vendor: Vendor;
  /**
   * One cheap admin call: rejects (with the vendor's status) when the key or URL does not work,
   * else resolves to the account the key reads, as the vendor reports it (null if it does not say).
   */
  verifyAccess(): Promise<VendorAccount | null>;
  discoverAgents(): Promise<DiscoveredAgent[]>;
  checkHealth(agent: { vendorAgentId: string; model: string; activeProbe: boolean }): Promise<HealthProbe>;
  /** Forget lists shared between probes, so a health run sees the vendor as it is now. */
  startHealthRun(): void;
  usageFeeds(): Feed<UsageRow>[];
  costFeeds(): Feed<CostRow>[];
}

/** Every usage row of a range, across a connector's usage feeds. */
export async function* getUsage(connector: Connector, range: TimeRange): AsyncGenerator<UsageRow> {
  for (const feed of connector.usageFeeds()) for await (const page of feed.pages(range)) yield* page.rows;
}

/** Every cost row of a range, across a connector's cost feeds. */
export async function* getCosts(connector: Connector, range: TimeRange): AsyncGenerator<CostRow> {
  for (const feed of connector.costFeeds()) for await (const page of feed.pages(range)) yield* page.rows;
}

/** `2026-11-20 13:00:00` from unix seconds. */
export const chDateTime = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
export const isoDay = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().slice(0, 10);
