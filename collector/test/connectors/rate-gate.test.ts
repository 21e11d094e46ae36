import { endpointOf, instrumentedFetch } from '../../src/connectors/instrumented-fetch';
import { goDurationMs, rateGate, resumeAt } from '../../src/connectors/rate-gate';
import { Instruments } from '../../src/metrics/instruments.generated';
import { PrometheusSink } from '../../src/metrics/prometheus-sink';

const response = (status: number, headers: Record<string, string> = {}) => new Response('{}', { status, headers });

describe('rate gate', () => {
  it.each([
    ['120ms', 120],
    ['12s', 12_000],
    ['6m0s', 360_000],
    ['1h2m3.5s', 3_723_500],
  ])('reads OpenAI reset duration %s as %d ms', (d, ms) => expect(goDurationMs(d)).toBe(ms));

  it('knows when the vendor takes requests again, from each header the vendors send', () => {
    const now = 1_000_000;
    expect(resumeAt(response(429, { 'retry-after': '3' }), now)).toBe(now + 3000);
    expect(resumeAt(response(429, { 'retry-after-ms': '250' }), now)).toBe(now + 250);
    expect(resumeAt(response(429), now)).toBe(now + 1000);
    expect(resumeAt(response(200, { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '2s' }), now)).toBe(now + 2000);
    expect(resumeAt(response(200, { 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': '2026-11-20T12:00:05Z' }), now)).toBe(Date.parse('2026-11-20T12:00:05Z'));
    expect(resumeAt(response(200, { 'x-ratelimit-remaining-requests': '7' }), now)).toBeNull();
  });

  it('sends one request at a time and holds the next until the vendor resets', async () => {
    let t = 0;
    const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
    const sent: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const inner = (async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      sent.push(t);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return sent.length === 1 ? response(429, { 'retry-after': '5' }) : response(200);
    }) as typeof fetch;
    const gated = rateGate(inner, { clock });
    await Promise.all([gated('http://x/a'), gated('http://x/b'), gated('http://x/c')]);
    expect(maxInFlight).toBe(1);
    expect(sent).toEqual([0, 5000, 5000]);
  });

  it('keeps going after a request that threw', async () => {
    let n = 0;
    const gated = rateGate((async () => {
      if (n++ === 0) throw new Error('ECONNRESET');
      return response(200);
    }) as typeof fetch);
    await expect(gated('http://x/a')).rejects.toThrow('ECONNRESET');
    expect((await gated('http://x/b')).status).toBe(200);
  });
});

describe('instrumented fetch', () => {
  it.each([
    ['http://h/openai/v1/organization/usage/completions?x=1', 'usage'],
    ['http://h/anthropic/v1/organizations/usage_report/messages', 'usage'],
    ['http://h/openai/v1/organization/costs', 'costs'],
    ['http://h/anthropic/v1/organizations/cost_report', 'costs'],
    ['http://h/openai/v1/organization/projects/proj_1/api_keys', 'api_keys'],
    ['http://h/openai/v1/organization/projects', 'projects'],
    ['http://h/anthropic/v1/organizations/workspaces', 'workspaces'],
    ['http://h/openai/v1/assistants', 'agents'],
    ['http://h/anthropic/v1/agents', 'agents'],
    ['http://h/anthropic/v1/messages', 'health_probe'],
    ['http://h/openai/v1/models', 'models'],
  ])('names %s as endpoint %s', (url, endpoint) => expect(endpointOf(url)).toBe(endpoint));

  it('counts each call by outcome and times it', async () => {
    const sink = new PrometheusSink({ processMetrics: false });
    const statuses = [200, 429, 503, 404];
    const f = instrumentedFetch('o1', 'openai', new Instruments(sink), (async () => response(statuses.shift()!)) as typeof fetch);
    for (let i = 0; i < 4; i++) await f('http://h/openai/v1/models');
    await expect(instrumentedFetch('o1', 'anthropic', new Instruments(sink), (async () => { throw Object.assign(new Error('t'), { name: 'TimeoutError' }); }) as typeof fetch)('http://h/anthropic/v1/models')).rejects.toThrow();
    const text = await sink.render();
    for (const outcome of ['ok', 'rate_limited', 'server_error', 'client_error']) {
      expect(text).toContain(`ai_arm_collector_vendor_api_requests_total{organization_id="o1",gen_ai_provider_name="openai",endpoint="models",outcome="${outcome}"} 1`);
    }
    expect(text).toContain('ai_arm_collector_vendor_api_requests_total{organization_id="o1",gen_ai_provider_name="anthropic",endpoint="models",outcome="timeout"} 1');
    expect(text).toContain('ai_arm_collector_vendor_api_duration_seconds_count{organization_id="o1",gen_ai_provider_name="openai",endpoint="models"} 4');
  });
});
