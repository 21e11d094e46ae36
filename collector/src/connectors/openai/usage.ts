import { chDateTime, type UsageRow } from '../types';

/** The fields of OpenAI's usage results this normaliser reads (completions and embeddings). */
export interface OpenAIUsagePage {
  data: { start_time: number; end_time: number; results: OpenAIUsageResult[] }[];
  has_more: boolean;
  next_page: string | null;
}
export interface OpenAIUsageResult {
  object: string;
  input_tokens: number;
  output_tokens?: number;
  input_cached_tokens?: number | null;
  num_model_requests: number;
  project_id?: string | null;
  api_key_id?: string | null;
  model?: string | null;
  batch?: boolean | null;
  service_tier?: string | null;
}

/**
 * OpenAI's `service_tier` as the price table names it. `default` (and `auto`, or none: the
 * tier was not grouped by) is standard; Batch API usage comes as the separate `batch` group
 * and is `batch` whatever its tier says. Any other tier (`scale`, one not yet known) is kept
 * as reported, so the price book reports it unpriced instead of pricing it as standard.
 */
export function openaiServiceTier(r: Pick<OpenAIUsageResult, 'batch' | 'service_tier'>): UsageRow['service_tier'] {
  if (r.batch) return 'batch';
  const tier = r.service_tier ?? 'default';
  return tier === 'default' || tier === 'auto' ? 'standard' : tier;
}

/**
 * OpenAI usage buckets to rows. OpenAI's `input_tokens` includes cached input; the row's
 * `input_tokens` is the uncached part, so no token is counted twice.
 */
export function normalizeOpenAIUsage(page: OpenAIUsagePage, width: '1h' | '1d'): UsageRow[] {
  const rows: UsageRow[] = [];
  for (const bucket of page.data) {
    for (const r of bucket.results) {
      const cached = r.input_cached_tokens ?? 0;
      rows.push({
        vendor: 'OPENAI',
        bucket_start: chDateTime(bucket.start_time),
        bucket_width: width,
        project_id: r.project_id ?? '',
        api_key_id: r.api_key_id ?? '',
        model: r.model ?? '',
        operation: r.object === 'organization.usage.embeddings.result' ? 'embeddings' : 'chat',
        service_tier: openaiServiceTier(r),
        context_window: '',
        requests: r.num_model_requests,
        input_tokens: r.input_tokens - cached,
        cache_read_tokens: cached,
        cache_write_5m_tokens: 0,
        cache_write_1h_tokens: 0,
        output_tokens: r.output_tokens ?? 0,
      });
    }
  }
  return rows;
}
