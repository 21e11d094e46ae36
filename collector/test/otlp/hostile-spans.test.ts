import { authedApp } from '../api/support';
import { CONTROL_PLANE } from '../support/stores';
import { until } from '../support/wait';
import { chatAttrs, encodeTraces, newSpanId, newTraceId } from './encode';

const PROTO = { 'content-type': 'application/x-protobuf' };

/**
 * Spans that once were answered 200 and then lost (a scope name or provider cut inside a
 * surrogate pair: ClickHouse refused the row after it was acknowledged), that failed a whole
 * export with a 500 (message text nested 60,000 deep), or that were taken for what they were
 * not (1.5 tokens, bytes that are not UTF-8, a field numbered 0). Real chdb, app.inject.
 */
describe(`OTLP spans that are accepted are stored; the others are refused with why (real ${CONTROL_PLANE} and chdb)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let key: string;
  beforeAll(async () => {
    t = await authedApp();
    key = await t.key('ingest');
  });
  afterAll(() => t.close());
  const post = (payload: Buffer | string, headers: Record<string, string> = PROTO) => t.call(key, { method: 'POST', url: '/v1/traces', payload, headers });
  /** The interactions stored for the agent of this name, once there are `n` (the spool stores them a moment after the answer). */
  const stored = (name: string, n: number) =>
    until(`${n} interactions of ${name} stored`, async () => {
      const agent = ((await t.call(t.admin, { url: '/api/v1/agents?type=CUSTOM&limit=200' })).body.data as { id: string; name: string }[]).find((a) => a.name === name);
      if (!agent) return undefined;
      const from = new Date(Date.now() - 86_400_000).toISOString();
      const rows = (await t.call(t.admin, { url: `/api/v1/agents/${agent.id}/interactions?from=${from}` })).body.data as { vendor: string }[];
      return rows.length >= n ? rows : undefined;
    }, 10_000);

  it('stores a span whose scope name or provider a cut would split inside a surrogate pair', async () => {
    const res = await post(encodeTraces([{ attributes: chatAttrs({ 'gen_ai.agent.name': 'pair-cut', 'gen_ai.provider.name': `${'İ'.repeat(31)}a😀` }) }], 'svc', `${'a'.repeat(254)}😀`));
    expect(res.status).toBe(200);
    expect(res.raw.length).toBe(0); // an empty ExportTraceServiceResponse: no partial_success
    const [row] = await stored('pair-cut', 1);
    expect(row!.vendor.length).toBeLessThanOrEqual(64);
    expect(/\p{Cs}/u.test(row!.vendor)).toBe(false); // no lone surrogate
  });

  it('keeps message text nested past 64 levels as text: the export is answered 200 and both of its spans are stored', async () => {
    const deep = `${'['.repeat(60_000)}${']'.repeat(60_000)}`;
    const res = await post(encodeTraces([{ attributes: chatAttrs({ 'gen_ai.agent.name': 'deep-messages', 'gen_ai.output.messages': deep, 'gen_ai.input.messages': `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}` }) }, { attributes: chatAttrs({ 'gen_ai.agent.name': 'deep-messages' }) }]));
    expect(res.status).toBe(200);
    await stored('deep-messages', 2);
  });

  it('refuses 1.5 tokens in partial_success, as it refuses "1.5"; the whole count beside it is stored', async () => {
    const res = await post(
      JSON.stringify({
        resourceSpans: [{ scopeSpans: [{ spans: [1.5, 2].map((n) => ({
          traceId: newTraceId(), spanId: newSpanId(), name: 'chat', startTimeUnixNano: String(BigInt(Date.now() - 1000) * 1_000_000n), endTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
          attributes: Object.entries(chatAttrs({ 'gen_ai.agent.name': 'fractions', 'gen_ai.usage.input_tokens': n })).map(([k, v]) => ({ key: k, value: typeof v === 'number' ? { doubleValue: v } : { stringValue: String(v) } })),
        })) }] }],
      }),
      { 'content-type': 'application/json' },
    );
    expect(res.status).toBe(200);
    expect(res.body.partialSuccess).toMatchObject({ rejectedSpans: '1', errorMessage: expect.stringContaining('gen_ai.usage.input_tokens must be a non-negative integer') });
    await stored('fractions', 1);
  });

  it('takes OTLP/JSON doubles written "NaN", as proto3 JSON writes them', async () => {
    const res = await post(
      JSON.stringify({
        resourceSpans: [{ scopeSpans: [{ spans: [{
          traceId: newTraceId(), spanId: newSpanId(), name: 'chat', startTimeUnixNano: String(BigInt(Date.now() - 1000) * 1_000_000n), endTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
          attributes: [...Object.entries(chatAttrs({ 'gen_ai.agent.name': 'nan-temperature' })).map(([k, v]) => ({ key: k, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: String(v) } })), { key: 'gen_ai.request.temperature', value: { doubleValue: 'NaN' } }],
        }] }] }],
      }),
      { 'content-type': 'application/json' },
    );
    expect(res.status).toBe(200);
    await stored('nan-temperature', 1);
  });

  it('refuses a body with a string that is not UTF-8, or a field numbered 0, 400 saying where', async () => {
    const good = encodeTraces([{ attributes: chatAttrs({ 'gen_ai.agent.name': 'AXXXXXXXB' }) }]);
    const at = good.indexOf('AXXXXXXXB');
    const notUtf8 = Buffer.from(good);
    Buffer.from([0x41, 0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0x42]).copy(notUtf8, at);
    const bad = await post(notUtf8);
    expect(bad.status).toBe(400);
    expect(bad.raw).toContain('not UTF-8');
    const zero = await post(Buffer.concat([Buffer.from([0x02, 0x00]), good]));
    expect(zero.status).toBe(400);
    expect(zero.raw).toContain('invalid field tag');
    expect(((await t.call(t.admin, { url: '/api/v1/agents?type=CUSTOM&limit=200' })).body.data as { name: string }[]).map((a) => a.name)).not.toContain('A\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDB');
  });
});
