import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSimulatorApp } from '../../src/simulator/server';
import { createState } from '../../src/simulator/state';
import type { TruthRow } from '../../src/simulator/truth';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000;
const HOUR = 3600;

function sim(opts: Parameters<typeof createState>[0] = {}) {
  const state = createState({ now: NOW, agents: 20, ...opts });
  const app = buildSimulatorApp(state);
  const o = { authorization: `Bearer ${state.opts.keys.openaiAdmin}`, 'openai-beta': 'assistants=v2' };
  const a = { 'x-api-key': state.opts.keys.anthropicAdmin };
  return { state, app, o, a };
}

describe('vendor simulator behaviour (app.inject)', () => {
  it('serves the same bytes for the same seed, and other data for another seed', async () => {
    const url = `/openai/v1/organization/usage/completions?start_time=${NOW - 6 * HOUR}&bucket_width=1h&group_by[]=api_key_id&group_by[]=model`;
    const one = sim();
    const two = sim();
    const other = sim({ seed: 'another' });
    const [x, y, z] = await Promise.all([one, two, other].map((s) => s.app.inject({ url, headers: s.o })));
    expect(x!.body).toBe(y!.body);
    expect(x!.body).not.toBe(z!.body);
  });

  it('revises recent buckets upward until they are final, and the truth follows what is served', async () => {
    const s = sim();
    const hourStart = NOW - 2 * HOUR;
    const url = `/anthropic/v1/organizations/usage_report/messages?starting_at=${new Date(hourStart * 1000).toISOString()}&ending_at=${new Date((hourStart + HOUR) * 1000).toISOString()}&bucket_width=1h`;
    const output = async () => (await s.app.inject({ url, headers: s.a })).json().data[0].results[0].output_tokens as number;
    const early = await output();
    s.state.setNow(NOW + 6 * HOUR);
    const final = await output();
    expect(early).toBeLessThan(final);
    expect(early).toBeGreaterThan(final * 0.5);
    s.state.setNow(NOW + 12 * HOUR);
    expect(await output()).toBe(final);
  });

  it('serves only hours that have ended', async () => {
    const s = sim();
    const res = await s.app.inject({ url: `/openai/v1/organization/usage/completions?start_time=${NOW - 3 * HOUR}&end_time=${NOW + 5 * HOUR}&bucket_width=1h`, headers: s.o });
    expect(res.json().data.map((b: { start_time: number }) => b.start_time)).toEqual([NOW - 3 * HOUR, NOW - 2 * HOUR, NOW - HOUR]);
  });

  it('deletes an agent and retires a model on demand', async () => {
    const s = sim();
    const agent = s.state.world.agents.find((x) => x.vendor === 'openai')!;
    expect((await s.app.inject({ url: `/openai/v1/assistants/${agent.id}`, headers: s.o })).statusCode).toBe(200);
    await s.app.inject({ method: 'POST', url: `/_sim/agents/${agent.id}/delete` });
    const gone = await s.app.inject({ url: `/openai/v1/assistants/${agent.id}`, headers: s.o });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.type).toBe('invalid_request_error');
    await s.app.inject({ method: 'POST', url: '/_sim/models/claude-haiku-4-5-20251001/retire' });
    const models = (await s.app.inject({ url: '/anthropic/v1/models?limit=100', headers: s.a })).json().data.map((m: { id: string }) => m.id);
    expect(models).not.toContain('claude-haiku-4-5-20251001');
    const probe = await s.app.inject({ method: 'POST', url: '/anthropic/v1/messages', headers: s.a, payload: { model: 'claude-haiku-4-5-20251001', max_tokens: 1, messages: [] } });
    expect(probe.statusCode).toBe(404);
    expect(probe.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect((await s.app.inject({ method: 'POST', url: '/_sim/models/nope/retire' })).statusCode).toBe(404);
  });

  it('demo mode bills a model the collector has no price for, and that traffic is in the truth', async () => {
    const s = sim({ demo: true });
    expect(s.state.world.agents.some((x) => x.model.id === 'o1-pro-2025-03-19')).toBe(true);
    const truth = (await s.app.inject({ url: `/truth?start=${new Date((NOW - 48 * HOUR) * 1000).toISOString()}` })).json().rows as TruthRow[];
    const unpriced = truth.filter((r) => r.model === 'o1-pro-2025-03-19');
    expect(unpriced.length).toBeGreaterThan(0);
    expect(unpriced.every((r) => r.billedUsd > 0)).toBe(true);
  });

  it('serves OpenAI flex and priority traffic: grouped by service_tier in usage, itemised with its tier in costs', async () => {
    const s = sim({ agents: 40 });
    const start = NOW - 24 * HOUR;
    const usage = (await s.app.inject({ url: `/openai/v1/organization/usage/completions?start_time=${start}&bucket_width=1d&group_by[]=service_tier&group_by[]=batch`, headers: s.o })).json();
    const tiers = usage.data.flatMap((b: { results: { service_tier: string; batch: boolean; input_tokens: number }[] }) => b.results).filter((r: { input_tokens: number }) => r.input_tokens > 0);
    expect(new Set(tiers.map((r: { service_tier: string }) => r.service_tier))).toEqual(new Set(['default', 'batch', 'flex', 'priority']));
    expect(tiers.filter((r: { batch: boolean }) => r.batch).every((r: { service_tier: string }) => r.service_tier === 'batch')).toBe(true);
    const costs = (await s.app.inject({ url: `/openai/v1/organization/costs?start_time=${start}&bucket_width=1d&group_by[]=line_item`, headers: s.o })).json();
    const items: string[] = costs.data.flatMap((b: { results: { line_item: string }[] }) => b.results.map((r) => r.line_item));
    expect(items.some((i) => / \(flex\)$/.test(i))).toBe(true);
    expect(items.some((i) => / \(priority\)$/.test(i))).toBe(true);
  });

  it('pages lists backwards with before_id as Anthropic does', async () => {
    const s = sim({ agents: 200 });
    const all = (await s.app.inject({ url: '/anthropic/v1/organizations/api_keys?limit=1000', headers: s.a })).json().data.map((k: { id: string }) => k.id);
    const back = (await s.app.inject({ url: `/anthropic/v1/organizations/api_keys?limit=3&before_id=${all[10]}`, headers: s.a })).json();
    expect(back.data.map((k: { id: string }) => k.id)).toEqual(all.slice(7, 10));
    expect(back.has_more).toBe(true);
  });

  it('answers bad parameters with each vendor\u2019s 400 body, naming the parameter', async () => {
    const s = sim();
    const o = await s.app.inject({ url: '/openai/v1/organization/usage/completions?bucket_width=1h', headers: s.o });
    expect(o.statusCode).toBe(400);
    expect(o.json().error).toMatchObject({ type: 'invalid_request_error', param: 'start_time' });
    const a = await s.app.inject({ url: '/anthropic/v1/organizations/cost_report?starting_at=yesterday', headers: s.a });
    expect(a.statusCode).toBe(400);
    expect(a.json().error.message).toMatch(/starting_at/);
    const limit = await s.app.inject({ url: `/openai/v1/organization/usage/completions?start_time=${NOW - HOUR}&bucket_width=1h&limit=500`, headers: s.o });
    expect(limit.json().error.param).toBe('limit');
    const width = await s.app.inject({ url: `/openai/v1/organization/costs?start_time=${NOW - HOUR}&bucket_width=1h`, headers: s.o });
    expect(width.json().error.param).toBe('bucket_width');
    expect((await s.app.inject({ url: '/openai/v1/nowhere', headers: s.o })).statusCode).toBe(404);
  });

  it('reports its traffic, 429s and faults on /_sim/stats', async () => {
    const s = sim({ rateLimit: { requests: 1, windowSeconds: 60 } });
    await s.app.inject({ url: '/openai/v1/models', headers: s.o });
    const limited = await s.app.inject({ url: '/openai/v1/models', headers: s.o });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.headers['x-ratelimit-remaining-requests']).toBe('0');
    await s.app.inject({ url: '/openai/v1/models', headers: s.o }); // ignored the retry-after: a violation
    const stats = (await s.app.inject({ url: '/_sim/stats' })).json();
    expect(stats).toMatchObject({ requests: 3, rateLimited: 2, violations: 1 });
  });

  it('shares no code with the collector: it imports only its own files and libraries', () => {
    const dir = join(__dirname, '..', '..', 'src', 'simulator');
    const files = (function walk(d: string): string[] {
      return readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
    })(dir);
    const outside = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)]
        .map((m) => m[1]!)
        .filter((spec) => spec.startsWith('@ai-arm/') || (spec.startsWith('.') && !join(file, '..', spec).startsWith(dir)))
        .map((spec) => `${file}: ${spec}`),
    );
    expect(files.length).toBeGreaterThan(10);
    expect(outside).toEqual([]);
  });
});

describe("the simulator's clock", () => {
  it('keeps milliseconds while it follows the wall clock (the demo API lists what was stored this very second), and whole fixed seconds once fixed', () => {
    const state = createState();
    const before = Date.now();
    const ms = state.nowMs();
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
    expect(Math.floor(ms / 1000)).toBeLessThanOrEqual(state.now());
    state.setNow(1_700_000_000);
    expect(state.nowMs()).toBe(1_700_000_000_000);
    expect(state.now()).toBe(1_700_000_000);
  });
});
