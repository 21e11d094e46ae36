import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { endpointOf, instrumentedFetch } from '../../src/connectors/instrumented-fetch';
import { goDurationMs, rateGate, resumeAt } from '../../src/connectors/rate-gate';
import { Instruments } from '../../src/metrics/instruments.generated';
import { PrometheusSink } from '../../src/metrics/prometheus-sink';

const response = (status: number, headers: Record<string, string> = {}) => new Response('{}', { status, headers });

describe('rate gate', () => {
  it('a 429 that says a spend limit was reached is not retried by the official SDKs, and holds no other call', async () => {
    let t = 0;
    const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
    const bodies = {
      ANTHROPIC: { type: 'error', error: { type: 'rate_limit_error', message: 'You have reached your specified workspace API usage limits. You will regain access on 2026-12-01 at 00:00 UTC.' } },
      OPENAI: { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', code: 'insufficient_quota' } },
    };
    for (const [vendor, body] of Object.entries(bodies)) {
      let calls = 0;
      const inner = (async () => (calls++, new Response(JSON.stringify(body), { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '3600' } }))) as typeof fetch;
      const fetch = rateGate(inner, { clock });
      const client = vendor === 'OPENAI' ? new OpenAI({ apiKey: 'sk-test', baseURL: 'http://vendor.invalid/v1', fetch, maxRetries: 6 }) : new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://vendor.invalid', fetch, maxRetries: 6 });
      const call = vendor === 'OPENAI' ? () => (client as OpenAI).models.list() : () => (client as Anthropic).models.list();
      await expect(call()).rejects.toMatchObject({ status: 429 });
      expect({ vendor, calls }).toEqual({ vendor, calls: 1 });
      // The connection's next call leaves at once: an hour's retry-after did not close the gate.
      const before = t;
      await expect(call()).rejects.toMatchObject({ status: 429 });
      expect(t).toBe(before);
    }
    // An ordinary rate limit still waits and retries.
    let calls = 0;
    const limited = (async () => (calls++ === 0 ? new Response('{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}', { status: 429, headers: { 'retry-after': '2' } }) : new Response('{"data":[],"has_more":false,"first_id":null,"last_id":null}', { status: 200, headers: { 'content-type': 'application/json' } }))) as typeof fetch;
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://vendor.invalid', fetch: rateGate(limited, { clock }), maxRetries: 2 });
    await client.models.list();
    expect(calls).toBe(2);
  });

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
