/** Interaction rows as the pipeline hands them to the spool: ids in order, one organisation and agent. */
export const ORG = '11111111-1111-4111-8111-111111111111';
export const AGENT = '22222222-2222-4222-8222-222222222222';
let seq = 0;
export const interaction = (over: Record<string, unknown> = {}) => {
  const n = ++seq;
  return {
    organization_id: ORG,
    agent_id: AGENT,
    id: `req-${String(n).padStart(6, '0')}`,
    source: 'api',
    started_at: new Date(Date.UTC(2026, 11, 1, 10) + n * 1000).toISOString(),
    duration_ms: 120.5,
    ttft_ms: null,
    provider: 'openai',
    operation: 'chat',
    request_model: 'gpt-4o',
    response_model: 'gpt-4o-2024-08-06',
    version_fingerprint: 'f'.repeat(64),
    input_tokens: 100,
    output_tokens: 20,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    cost_usd: '0.000450000000',
    status: 'ok',
    error_type: '',
    conversation_id: 'conv-1',
    trace_id: '',
    span_id: '',
    content: '',
    attributes: { 'telemetry.sdk.name': 'test' },
    ingested_at: '2026-12-01T10:00:00.000Z',
    ...over,
  };
};
export const many = (n: number) => Array.from({ length: n }, () => interaction());
