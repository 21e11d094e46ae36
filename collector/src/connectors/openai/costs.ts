import { isoDay, type CostRow } from '../types';

export interface OpenAICostPage {
  data: { start_time: number; end_time: number; results: { amount?: { value: number; currency: string } | null; line_item?: string | null; project_id?: string | null; api_key_id?: string | null }[] }[];
  has_more: boolean;
  next_page: string | null;
}

const LINE_ITEM = /^(.+), (input|cached input|output)(?: \((batch|flex|priority)\))?$/;
const TOKEN_TYPE = { input: 'input', 'cached input': 'cache_read', output: 'output' } as const;

/**
 * OpenAI cost buckets to rows. OpenAI does not document its line_item wording; items of the
 * form `<model>, input|cached input|output[ (batch|flex|priority)]` are split into model, token
 * type and service tier; anything else is kept whole with all three empty.
 */
export function normalizeOpenAICosts(page: OpenAICostPage): CostRow[] {
  const rows: CostRow[] = [];
  for (const bucket of page.data) {
    for (const r of bucket.results) {
      if (!r.amount) continue;
      const item = r.line_item ?? '';
      const m = LINE_ITEM.exec(item);
      rows.push({
        vendor: 'OPENAI',
        day: isoDay(bucket.start_time),
        project_id: r.project_id ?? '',
        api_key_id: r.api_key_id ?? '',
        line_item: item,
        model: m ? m[1]! : '',
        token_type: m ? TOKEN_TYPE[m[2] as keyof typeof TOKEN_TYPE] : '',
        service_tier: m ? ((m[3] as 'batch' | 'flex' | 'priority' | undefined) ?? 'standard') : '',
        context_window: '',
        amount_usd: usdDecimal(r.amount.value),
      });
    }
  }
  return rows;
}

/** A float amount as a decimal string with the 12 places the cost table keeps. */
export function usdDecimal(value: number): string {
  return value.toFixed(12).replace(/\.?0+$/, '') || '0';
}
