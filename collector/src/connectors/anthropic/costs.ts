import type { CostRow } from '../types';

export interface AnthropicCostPage {
  data: { starting_at: string; ending_at: string; results: AnthropicCostResult[] }[];
  has_more: boolean;
  next_page: string | null;
}
export interface AnthropicCostResult {
  /** Cents, as a decimal string: "123.45" is $1.2345. */
  amount: string;
  currency: string;
  description?: string | null;
  model?: string | null;
  token_type?: string | null;
  service_tier?: string | null;
  context_window?: string | null;
  workspace_id?: string | null;
}

const TOKEN_TYPE: Record<string, CostRow['token_type']> = {
  uncached_input_tokens: 'input',
  cache_read_input_tokens: 'cache_read',
  'cache_creation.ephemeral_5m_input_tokens': 'cache_write_5m',
  'cache_creation.ephemeral_1h_input_tokens': 'cache_write_1h',
  output_tokens: 'output',
};

export function normalizeAnthropicCosts(page: AnthropicCostPage): CostRow[] {
  return page.data.flatMap((bucket) =>
    bucket.results.map((r) => ({
      vendor: 'ANTHROPIC' as const,
      day: bucket.starting_at.slice(0, 10),
      project_id: r.workspace_id ?? '',
      api_key_id: '',
      line_item: r.description ?? '',
      model: r.model ?? '',
      token_type: TOKEN_TYPE[r.token_type ?? ''] ?? '',
      service_tier: r.service_tier === 'batch' ? ('batch' as const) : r.service_tier === 'standard' ? ('standard' as const) : ('' as const),
      context_window: r.context_window ?? '',
      amount_usd: centsToUsd(r.amount),
    })),
  );
}

/** Exact decimal shift, no float: "123.45" -> "1.2345", "5" -> "0.05", "-0.5" -> "-0.005". */
export function centsToUsd(cents: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(cents.trim());
  if (!m) throw new Error(`not a decimal amount in cents: "${cents}"`);
  const [, sign, whole, frac = ''] = m;
  const digits = whole!.padStart(3, '0');
  const usdWhole = digits.slice(0, -2).replace(/^0+(?=\d)/, '');
  const usdFrac = (digits.slice(-2) + frac).replace(/0+$/, '');
  return `${sign}${usdWhole}${usdFrac ? `.${usdFrac}` : ''}`;
}
