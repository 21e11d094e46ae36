import { errorTypeLabel, recordInteraction } from '../../src/interactions/record-metrics';
import type { InteractionInput } from '../../src/interactions/interaction';
import { ratePerToken } from '../../src/costs/money';
import { Instruments } from '../../src/metrics/instruments.generated';
import { PrometheusSink } from '../../src/metrics/prometheus-sink';
import { testMetrics } from '../support/stores';

const ORG = '0b7c6f2e-4c55-4a8e-9d1e-2f1a3b4c5d6e';
const OTHER_ORG = '9f0e1d2c-3b4a-4958-8776-655443322110';

const item = (over: Partial<InteractionInput> = {}): InteractionInput => ({
  id: 'req-1',
  source: 'api',
  agent: { name: 'support-bot' },
  provider: 'openai',
  operation: 'chat',
  requestModel: 'gpt-4o',
  startedAtMs: Date.UTC(2026, 11, 6, 12),
  durationMs: 1500,
  tokens: { input: 1000, output: 200, cacheRead: 0, cacheWrite: 0 },
  status: 'ok',
  ...over,
});

/** The value of one exact series line, or undefined when the series is absent. */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};
const lines = (text: string, prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));

describe('recordInteraction on a real Prometheus render', () => {
  it('counts a pushed request under source="push" with its status, beside the vendor-reported series, never into it', async () => {
    const { sink, metrics } = testMetrics();
    metrics.requests.add(40, { organization_id: ORG, gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o', gen_ai_operation_name: 'chat', gen_ai_agent_id: 'a1', source: 'vendor_report' });
    recordInteraction(metrics, ORG, 'a1', item(), { cost: null });
    recordInteraction(metrics, ORG, 'a1', item({ id: 'req-2', status: 'error', errorType: 'openai.RateLimitError', durationMs: 300 }), { cost: null });
    recordInteraction(metrics, ORG, 'a1', item({ id: 'req-3', status: 'error', errorType: '503', durationMs: 90_000 }), { cost: null });
    const text = await sink.render();
    const base = `organization_id="${ORG}",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",gen_ai_operation_name="chat",gen_ai_agent_id="a1"`;
    expect(sample(text, `ai_arm_requests_total{${base},source="vendor_report"}`)).toBe(40);
    expect(sample(text, `ai_arm_requests_total{${base},source="push",status="ok"}`)).toBe(1);
    expect(sample(text, `ai_arm_requests_total{${base},source="push",status="error"}`)).toBe(2);
    const err = `organization_id="${ORG}",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o"`;
    expect(sample(text, `ai_arm_errors_total{${err},error_type="rate_limited",gen_ai_agent_id="a1",source="push"}`)).toBe(1);
    expect(sample(text, `ai_arm_errors_total{${err},error_type="server_error",gen_ai_agent_id="a1",source="push"}`)).toBe(1);
    expect(lines(text, 'ai_arm_errors_total{')).toHaveLength(2);
  });

  it('records the per-agent duration on the coarse buckets, a 90 s request only in +Inf', async () => {
    const { sink, metrics } = testMetrics();
    recordInteraction(metrics, ORG, 'a1', item({ durationMs: 1500 }), { cost: null });
    recordInteraction(metrics, ORG, 'a1', item({ id: 'r2', durationMs: 90_000, status: 'error', errorType: 'timeout' }), { cost: null });
    const text = await sink.render();
    const s = (le: string) => sample(text, `ai_arm_agent_request_duration_seconds_bucket{organization_id="${ORG}",gen_ai_agent_id="a1",le="${le}"}`);
    expect([s('1'), s('2'), s('60'), s('+Inf')]).toEqual([0, 1, 1, 2]);
    expect(sample(text, `ai_arm_agent_request_duration_seconds_sum{organization_id="${ORG}",gen_ai_agent_id="a1"}`)).toBeCloseTo(91.5);
    // Ten boundaries at most: the catalogue's price for a per-agent histogram.
    expect(lines(text, 'ai_arm_agent_request_duration_seconds_bucket{')).toHaveLength(10);
  });

  it('puts error_type on the semconv duration only for failures, in seconds, with unknown providers and operations as _OTHER', async () => {
    const { sink, metrics } = testMetrics();
    recordInteraction(metrics, ORG, 'a1', item({ durationMs: 250 }), { cost: null });
    recordInteraction(metrics, ORG, 'a1', item({ id: 'r2', provider: 'acme.llm', operation: 'summon', durationMs: 250, status: 'error', errorType: 'SomethingOdd' }), { cost: null });
    const text = await sink.render();
    expect(sample(text, `gen_ai_client_operation_duration_seconds_bucket{organization_id="${ORG}",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",le="0.32"}`)).toBe(1);
    expect(sample(text, `gen_ai_client_operation_duration_seconds_bucket{organization_id="${ORG}",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",le="0.16"}`)).toBe(0);
    expect(sample(text, `gen_ai_client_operation_duration_seconds_count{organization_id="${ORG}",gen_ai_operation_name="_OTHER",gen_ai_provider_name="_OTHER",gen_ai_request_model="gpt-4o",error_type="_OTHER"}`)).toBe(1);
  });

  it('records time to first chunk only when the request streamed (a TTFT was pushed)', async () => {
    const { sink, metrics } = testMetrics();
    recordInteraction(metrics, ORG, 'a1', item(), { cost: null });
    recordInteraction(metrics, ORG, 'a1', item({ id: 'r2', timeToFirstTokenMs: 420 }), { cost: null });
    const text = await sink.render();
    const base = `organization_id="${ORG}",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o"`;
    expect(sample(text, `gen_ai_client_operation_time_to_first_chunk_seconds_count{${base}}`)).toBe(1);
    expect(sample(text, `gen_ai_client_operation_time_to_first_chunk_seconds_sum{${base}}`)).toBeCloseTo(0.42);
    expect(sample(text, `gen_ai_client_operation_time_to_first_chunk_seconds_bucket{${base},le="0.32"}`)).toBe(0);
    expect(sample(text, `gen_ai_client_operation_time_to_first_chunk_seconds_bucket{${base},le="0.64"}`)).toBe(1);
  });

  it('records each token type a request used, and no zero observations', async () => {
    const { sink, metrics } = testMetrics();
    recordInteraction(metrics, ORG, 'a1', item({ tokens: { input: 1000, output: 0, cacheRead: 5000, cacheWrite: 0 } }), { cost: null });
    recordInteraction(metrics, ORG, 'a1', item({ id: 'r2', status: 'error', errorType: 'timeout', tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } }), { cost: null });
    const text = await sink.render();
    const base = `organization_id="${ORG}",gen_ai_operation_name="chat",gen_ai_provider_name="openai"`;
    expect(sample(text, `gen_ai_client_token_usage_sum{${base},gen_ai_token_type="input",gen_ai_request_model="gpt-4o"}`)).toBe(1000);
    expect(sample(text, `gen_ai_client_token_usage_sum{${base},gen_ai_token_type="cache_read",gen_ai_request_model="gpt-4o"}`)).toBe(5000);
    expect(sample(text, `gen_ai_client_token_usage_count{${base},gen_ai_token_type="input",gen_ai_request_model="gpt-4o"}`)).toBe(1);
    expect(lines(text, 'gen_ai_client_token_usage_count{').map((l) => /gen_ai_token_type="(\w+)"/.exec(l)![1]).sort()).toEqual(['cache_read', 'input']);
  });

  it('counts tracked cost apart from the vendor-billed cost counter, and nothing for an unpriced request', async () => {
    const { sink, metrics } = testMetrics();
    // 1000 tokens at 2.5 USD per million: 0.0025 USD, exact in atto-dollars until the counter.
    recordInteraction(metrics, ORG, 'a1', item(), { cost: 1000n * ratePerToken('2.5') });
    recordInteraction(metrics, ORG, 'a1', item({ id: 'r2' }), { cost: null });
    const text = await sink.render();
    expect(sample(text, `ai_arm_cost_tracked_usd_total{organization_id="${ORG}",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",gen_ai_agent_id="a1"}`)).toBeCloseTo(0.0025, 12);
    expect(lines(text, 'ai_arm_cost_usd_total{')).toEqual([]);
    expect(lines(text, 'ai_arm_tokens_total{')).toEqual([]);
  });

  it('keeps organisations apart and folds agents past the per-agent cap into _overflow, totals intact', async () => {
    const sink = new PrometheusSink({ processMetrics: false, limits: new Map([['ai_arm.agent.request.duration', 2]]) });
    const metrics = new Instruments(sink);
    for (const agent of ['a1', 'a2', 'a3', 'a4']) recordInteraction(metrics, ORG, agent, item(), { cost: null });
    recordInteraction(metrics, OTHER_ORG, 'b1', item(), { cost: null });
    const text = await sink.render();
    const counts = lines(text, 'ai_arm_agent_request_duration_seconds_count{');
    expect(counts.filter((l) => l.includes(ORG)).map((l) => /gen_ai_agent_id="([^"]+)"\} (\d+)/.exec(l)!.slice(1).join('='))).toEqual(['a1=1', 'a2=1', '_overflow=2']);
    expect(sample(text, `ai_arm_agent_request_duration_seconds_count{organization_id="${OTHER_ORG}",gen_ai_agent_id="b1"}`)).toBe(1);
  });

  it.each([
    ['429', 'rate_limited'],
    ['anthropic.RateLimitError', 'rate_limited'],
    ['openai.APITimeoutError', 'timeout'],
    ['529', 'overloaded'],
    ['anthropic.OverloadedError', 'overloaded'],
    ['401', 'auth_error'],
    ['openai.AuthenticationError', 'auth_error'],
    ['openai.APIConnectionError', 'network_error'],
    ['500', 'server_error'],
    ['openai.InternalServerError', 'server_error'],
    ['400', 'client_error'],
    ['openai.BadRequestError', 'client_error'],
    ['DEADLINE_EXCEEDED', 'timeout'],
    ['RESOURCE_EXHAUSTED', 'rate_limited'],
    ['UNAUTHENTICATED', 'auth_error'],
    ['timeout', 'timeout'],
    ['_OTHER', '_OTHER'],
    ['KeyError', '_OTHER'],
    [undefined, '_OTHER'],
  ])('classes error.type %s as %s', (raw, expected) => {
    expect(errorTypeLabel(raw)).toBe(expected);
  });
});
