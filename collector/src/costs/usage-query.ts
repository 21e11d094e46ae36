import { agentExpression, type AttributionRule } from './attribution';
import type { TokenCounts } from './price-book';
import type { TelemetryReader } from './read-cache';

/** What a cost query splits by, beyond day, vendor, model, tier and context window (always kept: they set the price). */
export type Dimension = 'none' | 'agent' | 'project' | 'api_key' | 'project_agent';

export interface DailyUsage extends TokenCounts {
  day: string;
  vendor: string;
  model: string;
  service_tier: string;
  context_window: string;
  /** The dimension's value: agent id ('' when unattributed), project or key id; '' for 'none'. */
  dim: string;
  requests: number;
}

export interface UsageFilter {
  organizationId: string;
  /** YYYY-MM-DD or YYYY-MM-DD HH:MM:SS (UTC), inclusive. */
  from: string;
  /** The same forms, exclusive. */
  to: string;
  by: Dimension;
  rules: readonly AttributionRule[];
  vendor?: string;
  /** Rows per day (default) or per hour, `day` then being `YYYY-MM-DD HH:00:00`. */
  grain?: 'day' | 'hour';
}

/**
 * Tokens and requests per day at the grain prices need, read from the vendors' own reports
 * (deduplicated by FINAL: a re-polled bucket counts once). Per-bucket costs sum linearly, so
 * pricing these daily sums equals summing per-bucket costs.
 */
export async function dailyUsage(db: TelemetryReader, f: UsageFilter): Promise<DailyUsage[]> {
  const agent = agentExpression(f.rules);
  // project_agent joins the two with a tab (PROJECT_AGENT_SEPARATOR in service.ts).
  const dim = { none: `''`, agent: agent.sql, project: 'project_id', api_key: 'api_key_id', project_agent: `concat(project_id, '\t', ${agent.sql})` }[f.by];
  const where = ['organization_id = {org:UUID}', "bucket_start >= parseDateTimeBestEffort({from:String}, 'UTC')", "bucket_start < parseDateTimeBestEffort({to:String}, 'UTC')"];
  if (f.vendor) where.push('vendor = {vendor:String}');
  return db.query<DailyUsage>(
    `SELECT ${f.grain === 'hour' ? 'toStartOfHour(bucket_start)' : 'toDate(bucket_start)'} AS day, vendor, model, service_tier, context_window, ${dim} AS dim,
            sum(requests) AS requests, sum(input_tokens) AS input, sum(cache_read_tokens) AS cache_read,
            sum(cache_write_5m_tokens) AS cache_write_5m, sum(cache_write_1h_tokens) AS cache_write_1h, sum(output_tokens) AS output
       FROM {db:Identifier}.vendor_usage FINAL
      WHERE ${where.join(' AND ')}
      GROUP BY day, vendor, model, service_tier, context_window, dim
      ORDER BY day, vendor, model, dim`,
    { org: f.organizationId, from: f.from, to: f.to, vendor: f.vendor ?? '', ...agent.params },
  );
}

export interface DailyBilled {
  day: string;
  vendor: string;
  project_id: string;
  model: string;
  token_type: string;
  service_tier: string;
  context_window: string;
  /** Kept for lines that name no model: the only account of what they bill. */
  line_item: string;
  /** Exact decimal text. */
  usd: string;
}

type BillFilter = Pick<UsageFilter, 'organizationId' | 'from' | 'to' | 'vendor'>;

/** The bills' days a range touches (bills are daily), of one organisation and maybe one vendor. */
const billDays = (f: BillFilter) =>
  `organization_id = {org:UUID} AND day >= toDate(parseDateTimeBestEffort({from:String}, 'UTC')) AND day < toDate(parseDateTimeBestEffort({to:String}, 'UTC'))${f.vendor ? ' AND vendor = {vendor:String}' : ''}`;
const billParams = (f: BillFilter) => ({ org: f.organizationId, from: f.from, to: f.to, vendor: f.vendor ?? '' });

/**
 * The vendors' bills per day, project and line (model, token type, tier, context window),
 * deduplicated. Bills are daily: a range within a day reads that whole day.
 */
export async function dailyBilled(db: TelemetryReader, f: BillFilter): Promise<DailyBilled[]> {
  return db.query<DailyBilled>(
    `SELECT day, vendor, project_id, model, token_type, service_tier, context_window, if(model = '', line_item, '') AS line_item, toString(sum(amount_usd)) AS usd
       FROM {db:Identifier}.vendor_costs FINAL
      WHERE ${billDays(f)}
      GROUP BY day, vendor, project_id, model, token_type, service_tier, context_window, line_item
      ORDER BY day, vendor, project_id, model, token_type, service_tier, context_window, line_item`,
    billParams(f),
  );
}

/** The vendors' bills per day, summed exactly over every line (what the summary shows beside the computed cost). */
export async function dailyBilledTotals(db: TelemetryReader, f: BillFilter): Promise<{ day: string; usd: string }[]> {
  return db.query<{ day: string; usd: string }>(
    `SELECT day, toString(sum(amount_usd)) AS usd
       FROM {db:Identifier}.vendor_costs FINAL
      WHERE ${billDays(f)}
      GROUP BY day
      ORDER BY day`,
    billParams(f),
  );
}
