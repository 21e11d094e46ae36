import { microsText } from '../../src/interactions/rows';

/** A seeded generator (mulberry32): the same rows every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box-Muller). */
export const normal = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

export interface RowShape {
  latencyMs: number;
  tokens: number;
  error: boolean;
  refusal: boolean;
  outputChars: number;
  fingerprint: string;
  answer?: string;
}

/** An interactions row as the pipeline writes it (only the columns drift reads, the rest defaulted). */
export function interactionRow(org: string, agent: string, id: string, atMs: number, s: RowShape): Record<string, unknown> {
  return {
    organization_id: org,
    agent_id: agent,
    id,
    source: 'api',
    started_at: microsText(atMs),
    duration_ms: s.latencyMs,
    provider: 'openai',
    operation: 'chat',
    request_model: 'gpt-4o-mini',
    response_model: 'gpt-4o-mini',
    version_fingerprint: s.fingerprint,
    input_tokens: Math.round(s.tokens * 0.8),
    output_tokens: Math.round(s.tokens * 0.2),
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    cost_usd: null,
    status: s.error ? 'error' : 'ok',
    error_type: s.error ? 'server_error' : '',
    content: s.answer ? JSON.stringify({ output: s.answer }) : '',
    refusal: s.refusal ? 1 : 0,
    output_chars: s.outputChars,
    has_answer: s.outputChars > 0 ? 1 : 0,
    attributes: {},
    ingested_at: microsText(atMs).slice(0, 23),
  };
}
