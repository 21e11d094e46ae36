import { chDateTime, type UsageRow } from '../types';

export interface AnthropicUsagePage {
  data: { starting_at: string; ending_at: string; results: AnthropicUsageResult[] }[];
  has_more: boolean;
  next_page: string | null;
}
export interface AnthropicUsageResult {
  uncached_input_tokens: number;
  cache_read_input_tokens: number;
  /** Nested: there is no flat cache_creation_input_tokens in this report. */
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  workspace_id?: string | null;
  api_key_id?: string | null;
  model?: string | null;
  service_tier?: string | null;
  context_window?: string | null;
}

/**
 * Anthropic's `service_tier` as the price table names it: `standard` (or none: the tier was not
 * grouped by) and `batch` as they are; any other (`priority`, `flex`, ...) kept as named, so its
 * usage is priced by its own rates or reported unpriced with why. Folded into `standard`, two
 * results of one bucket, key and model shared a row's key, and one overwrote the other.
 */
export const anthropicServiceTier = (r: Pick<AnthropicUsageResult, 'service_tier'>): UsageRow['service_tier'] => r.service_tier || 'standard';

export function normalizeAnthropicUsage(page: AnthropicUsagePage, width: '1h' | '1d'): UsageRow[] {
  const rows: UsageRow[] = [];
  for (const bucket of page.data) {
    const start = chDateTime(Date.parse(bucket.starting_at) / 1000);
    for (const r of bucket.results) {
      rows.push({
        vendor: 'ANTHROPIC',
        bucket_start: start,
        bucket_width: width,
        project_id: r.workspace_id ?? '',
        api_key_id: r.api_key_id ?? '',
        model: r.model ?? '',
        operation: 'chat',
        service_tier: anthropicServiceTier(r),
        context_window: r.context_window ?? '',
        requests: 0,
        input_tokens: r.uncached_input_tokens,
        cache_read_tokens: r.cache_read_input_tokens,
        cache_write_5m_tokens: r.cache_creation?.ephemeral_5m_input_tokens ?? 0,
        cache_write_1h_tokens: r.cache_creation?.ephemeral_1h_input_tokens ?? 0,
        output_tokens: r.output_tokens,
      });
    }
  }
  return rows;
}
