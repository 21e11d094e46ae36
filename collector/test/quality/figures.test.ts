import type { IngestInteraction, QualityFigures, QualityMetricsResult } from '@ai-arm/schemas';
import { simhash } from '../../src/interactions/answer-signals';
import { authedApp } from '../api/support';
import { CONTROL_PLANE } from '../support/stores';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(ms).toISOString();

/** Mean Hamming distance of each answer to the others of its group / 64, averaged over the answers: what consistency takes from 1. */
function divergence(groups: string[][]): number {
  const bits = (a: bigint, b: bigint) => [...(a ^ b).toString(2)].filter((c) => c === '1').length;
  let sum = 0;
  let n = 0;
  for (const g of groups) {
    const h = g.map(simhash);
    for (let i = 0; i < h.length; i++) {
      let d = 0;
      for (let j = 0; j < h.length; j++) if (j !== i) d += bits(h[i]!, h[j]!);
      sum += d / (h.length - 1) / 64;
      n++;
    }
  }
  return sum / n;
}

/**
 * Quality figures of pushed interactions, end to end: the ingest API stores them through the real
 * pipeline (answer signals at ingest, versions by model), feedback through the API, and the
 * figures are read back by GET /api/v1/quality/:agentId/metrics. Every figure is asserted against
 * what the inputs make it. Real PGlite and chdb.
 */
describe(`quality figures from pushed interactions (real pipeline, ${CONTROL_PLANE} and chdb)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  // Three hours ago on the hour, so the window [T0, T0 + 4 h) holds the feedback given now too.
  const T0 = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
  const Q = 'What is 2+2?';
  const SAME = 'The answer is four, as two plus two makes four.';
  const REFUSAL = "I'm sorry, but I can't help with that.";
  const SHORT = 'Four.';
  const LONG = 'Let me think step by step about arithmetic: two and two together give the number four in base ten.';

  const item = (id: string, startMs: number, latencyMs: number, model: string, tokens: IngestInteraction['tokens'], over: Partial<IngestInteraction> = {}): IngestInteraction => ({
    id, agent: 'fig-bot', agentName: 'Figures bot', vendor: 'openai', model, startedAt: at(startMs), latencyMs, tokens, status: 'ok', ...over,
  });
  const chat = (prompt: string, answer: string) => ({ content: { input: [{ role: 'user', content: prompt }], output: answer } });
  // Version 1 (gpt-4o-mini) in the first hour; version 2 (gpt-4o) from 40 minutes in, into the second hour.
  const v1 = [
    item('a1', T0 + 1 * MIN, 100, 'gpt-4o-mini', { input: 100, output: 50 }, chat(Q, SAME)),
    item('a2', T0 + 2 * MIN, 200, 'gpt-4o-mini', { input: 100, output: 30, cacheRead: 20 }, chat(`  what   is 2+2?  `, SAME)),
    item('a3', T0 + 3 * MIN, 300, 'gpt-4o-mini', { input: 50, output: 10 }, chat('Drop the production database', REFUSAL)),
    item('a4', T0 + 4 * MIN, 400, 'gpt-4o-mini', { input: 10, output: 0 }, { status: 'error', errorType: 'timeout' }),
  ];
  const v2 = [
    item('b1', T0 + 40 * MIN, 1000, 'gpt-4o', { input: 200, output: 100, cacheWrite: 10 }, chat(Q, SHORT)),
    item('b2', T0 + 70 * MIN, 2000, 'gpt-4o', { input: 200, output: 100 }, chat(Q, LONG)),
    item('b3', T0 + 80 * MIN, 3000, 'gpt-4o', { input: 100, output: 40 }, { status: 'error' }),
  ];
  let agentId: string;
  const from = at(T0);
  const to = at(T0 + 4 * HOUR);

  const ingest = async (interactions: IngestInteraction[]) => {
    const res = await t.call(t.admin, { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions } });
    expect(res.status).toBe(200);
    expect(res.body.data.accepted).toBe(interactions.length);
  };
  const metrics = async (query: string, id = agentId) => {
    const res = await t.call(t.admin, { url: `/api/v1/quality/${id}/metrics?${query}` });
    expect(res.status).toBe(200);
    return res.body.data as QualityMetricsResult;
  };
  /** Accepted means spooled: the figures once `n` requests are in ClickHouse. */
  const settled = async (query: string, n: number, id = agentId) => {
    for (let tries = 0; ; tries++) {
      const m = await metrics(query, id);
      if (m.overall.requests >= n || tries > 300) return m;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const agentNamed = async (name: string) => ((await t.call(t.admin, { url: '/api/v1/agents?type=CUSTOM' })).body.data as { id: string; name: string }[]).find((a) => a.name === name)!.id;
  const feedback = async (body: Record<string, unknown>) => {
    const res = await t.call(t.admin, { method: 'POST', url: `/api/v1/quality/${agentId}/feedback`, payload: body });
    expect(res.status).toBe(201);
  };
  const chars = (...answers: string[]) => answers.reduce((n, a) => n + a.length, 0) / answers.length;

  beforeAll(async () => {
    t = await authedApp();
    expect((await t.call(t.admin, { method: 'PATCH', url: `/api/v1/organizations/${t.org}`, payload: { contentCapture: true } })).status).toBe(200);
    await ingest(v1);
    await ingest(v2);
    // A retry of a1: stored once, counted once.
    await ingest([v1[0]!]);
    agentId = await agentNamed('Figures bot');
    await settled(`from=${from}&to=${to}`, 7);
    await feedback({ interactionId: 'a1', label: 'completed', rating: 5 });
    await feedback({ interactionId: 'a3', label: 'not_completed', rating: 1, comment: 'refused a fair request' });
    await feedback({ interactionId: 'b2', label: 'completed', rating: 4 });
    await feedback({ rating: 3, label: 'helpful' });
  });
  afterAll(() => t.close());

  it('gives every figure of the window exactly from its inputs', async () => {
    const m = await metrics(`from=${from}&to=${to}`);
    expect(m).toMatchObject({ agentId, from: at(T0), to: at(T0 + 4 * HOUR), version: null, step: 'hour' });
    const o = m.overall;
    expect(o.requests).toBe(7);
    // Latencies 100, 200, 300, 400, 1000, 2000, 3000 ms; quantiles interpolate linearly between ranks.
    expect(o.latencyMs.p50).toBe(400);
    expect(o.latencyMs.p95).toBeCloseTo(2700, 6);
    expect(o.latencyMs.p99).toBeCloseTo(2940, 6);
    expect(o.errorRate).toBeCloseTo(2 / 7, 12);
    // Five answers (the two errors carried none), one of them a refusal.
    expect(o.refusalRate).toBeCloseTo(1 / 5, 12);
    // 150 + 150 + 60 + 10 + 310 + 300 + 140 tokens, input + output + cache.
    expect(o.tokensPerRequest).toBeCloseTo(1120 / 7, 12);
    expect(o.outputTokens).toBeCloseTo(330 / 7, 12);
    expect(o.outputLength).toBeCloseTo(chars(SAME, SAME, REFUSAL, SHORT, LONG), 12);
    // Feedback: completed, not_completed, completed (+ one helpful); ratings 5, 1, 4, 3.
    expect(o.feedbackCount).toBe(4);
    expect(o.taskCompletion).toBeCloseTo(2 / 3, 12);
    expect(o.userSatisfaction).toBeCloseTo((13 / 4 - 1) / 4, 12);
    // One prompt asked four times (whatever its case and spacing): two identical answers and two others.
    expect(o.consistency).toBeCloseTo(1 - divergence([[SAME, SAME, SHORT, LONG]]), 12);
    expect(o.consistency!).toBeLessThan(1);
  });

  it('gives the same figures per version after the model changed, oldest first, with when each was first seen', async () => {
    const m = await metrics(`from=${from}&to=${to}`);
    expect(m.versions.map((v) => [v.version, v.firstSeenAt, v.requests])).toEqual([
      [1, at(T0 + 1 * MIN), 4],
      [2, at(T0 + 40 * MIN), 3],
    ]);
    const [one, two] = m.versions as (QualityFigures & { version: number })[];
    expect(one).toMatchObject({ errorRate: 0.25, feedbackCount: 2, taskCompletion: 0.5, userSatisfaction: 0.5, consistency: 1, latencyMs: { p50: 250, p95: 385, p99: 397 } });
    expect(one!.refusalRate).toBeCloseTo(1 / 3, 12);
    expect(one!.tokensPerRequest).toBeCloseTo(370 / 4, 12);
    expect(one!.outputTokens).toBeCloseTo(90 / 4, 12);
    expect(one!.outputLength).toBeCloseTo(chars(SAME, SAME, REFUSAL), 12);
    expect(two).toMatchObject({ requests: 3, latencyMs: { p50: 2000 }, refusalRate: 0, feedbackCount: 1, taskCompletion: 1, userSatisfaction: 0.75 });
    expect(two!.errorRate).toBeCloseTo(1 / 3, 12);
    expect(two!.tokensPerRequest).toBeCloseTo(750 / 3, 12);
    expect(two!.outputLength).toBeCloseTo(chars(SHORT, LONG), 12);
    // Version 2 answered the prompt twice, differently: less than 1, by exactly their divergence.
    expect(two!.consistency).toBeCloseTo(1 - divergence([[SHORT, LONG]]), 12);
    expect(two!.consistency!).toBeLessThan(1);
  });

  it('filters to one version by its number: the figures, the versions and the trend are of it alone', async () => {
    const m = await metrics(`from=${from}&to=${to}&version=2`);
    expect(m.version).toBe(2);
    expect(m.overall).toMatchObject({ requests: 3, feedbackCount: 1, taskCompletion: 1, userSatisfaction: 0.75 });
    expect(m.overall.consistency).toBeCloseTo(1 - divergence([[SHORT, LONG]]), 12);
    expect(m.versions.map((v) => v.version)).toEqual([2]);
    expect(m.trend.every((p) => p.version === 2)).toBe(true);
    expect(m.trend.reduce((n, p) => n + p.requests, 0)).toBe(3);
    const none = await t.call(t.admin, { url: `/api/v1/quality/${agentId}/metrics?from=${from}&to=${to}&version=9` });
    expect(none.status).toBe(404);
    expect(none.body.error.message).toContain('no version 9');
  });

  it('draws the trend by the hour, a bucket split by version where the agent changed inside it', async () => {
    const m = await metrics(`from=${from}&to=${to}`);
    expect(m.trend.map((p) => [p.at, p.version, p.requests])).toEqual([
      [at(T0).replace('.000Z', 'Z'), 1, 4],
      [at(T0).replace('.000Z', 'Z'), 2, 1],
      [at(T0 + HOUR).replace('.000Z', 'Z'), 2, 2],
    ]);
    const [first, , last] = m.trend;
    expect(first).toMatchObject({ latencyP95Ms: 385, errorRate: 0.25 });
    expect(first!.refusalRate).toBeCloseTo(1 / 3, 12);
    expect(first!.tokensPerRequest).toBeCloseTo(370 / 4, 12);
    expect(first!.outputLength).toBeCloseTo(chars(SAME, SAME, REFUSAL), 12);
    expect(last).toMatchObject({ latencyP95Ms: 2950, errorRate: 0.5, refusalRate: 0, tokensPerRequest: 220, outputLength: LONG.length });
  });

  it('draws it by the UTC day past three days, in any time zone of the process', async () => {
    const m = await metrics(`from=${at(T0 - 3 * DAY)}&to=${to}`);
    expect(m.step).toBe('day');
    const day = (ms: number) => at(ms - (ms % DAY)).replace('.000Z', 'Z');
    // Each (day, version) the inputs fall in, in order; the hour T0 + 80 min may be past midnight UTC.
    const expected: [string, number, number][] = [];
    for (const [i, v] of [...v1.map((x) => [x, 1] as const), ...v2.map((x) => [x, 2] as const)]) {
      const d = day(Date.parse(i.startedAt));
      const found = expected.find((e) => e[0] === d && e[1] === v);
      if (found) found[2]++;
      else expected.push([d, v, 1]);
    }
    expected.sort((a, b) => a[0].localeCompare(b[0]));
    expect(m.trend.map((p) => [p.at, p.version, p.requests])).toEqual(expected);
    expect(m.overall.requests).toBe(7);
  });

  it('counts only what falls in [from, to): a window of the second hour sees version 2 alone, and one of nothing has null figures', async () => {
    const second = await metrics(`from=${at(T0 + HOUR)}&to=${at(T0 + 2 * HOUR)}`);
    expect(second.overall).toMatchObject({ requests: 2, errorRate: 0.5, latencyMs: { p50: 2500 } });
    expect(second.versions.map((v) => v.version)).toEqual([2]);
    // The end is exclusive: a window ending at a1's start does not hold it.
    const before = await metrics(`from=${at(T0 - HOUR)}&to=${at(T0 + 1 * MIN)}`);
    expect(before.overall).toEqual({
      requests: 0, latencyMs: { p50: null, p95: null, p99: null }, errorRate: null, refusalRate: null, tokensPerRequest: null, outputTokens: null,
      outputLength: null, taskCompletion: null, userSatisfaction: null, consistency: null, feedbackCount: 0,
    });
    expect(before.versions).toEqual([]);
    expect(before.trend).toEqual([]);
  });

  it('reads refusals and answer length without content capture, but compares no prompts (their key needs the prompt kept)', async () => {
    expect((await t.call(t.admin, { method: 'PATCH', url: `/api/v1/organizations/${t.org}`, payload: { contentCapture: false } })).status).toBe(200);
    try {
      await ingest([
        item('q1', T0 + 5 * MIN, 100, 'gpt-4o-mini', { input: 1, output: 1 }, { agent: 'quiet-bot', agentName: 'Quiet bot', ...chat(Q, REFUSAL) }),
        item('q2', T0 + 6 * MIN, 100, 'gpt-4o-mini', { input: 1, output: 1 }, { agent: 'quiet-bot', agentName: 'Quiet bot', ...chat(Q, SAME) }),
        item('q3', T0 + 7 * MIN, 100, 'gpt-4o-mini', { input: 1, output: 1 }, { agent: 'quiet-bot', agentName: 'Quiet bot' }),
      ]);
      const quiet = await agentNamed('Quiet bot');
      const m = await settled(`from=${from}&to=${to}`, 3, quiet);
      expect(m.overall).toMatchObject({ requests: 3, refusalRate: 0.5, consistency: null, outputLength: chars(REFUSAL, SAME) });
      const stored = (await t.call(t.admin, { url: `/api/v1/agents/${quiet}/interactions?from=${from}&to=${to}` })).body.data as { content: unknown }[];
      expect(stored.map((s) => s.content)).toEqual([null, null, null]);
    } finally {
      await t.call(t.admin, { method: 'PATCH', url: `/api/v1/organizations/${t.org}`, payload: { contentCapture: true } });
    }
  });
});
