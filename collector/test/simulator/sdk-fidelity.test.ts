import Anthropic from '@anthropic-ai/sdk';
import { ReportPageCursor } from '@anthropic-ai/sdk/pagination';
import OpenAI from 'openai';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import type { TruthRow } from '../../src/simulator/truth';

// The SDKs type these responses as unions over every usage endpoint; the tests read one each.
interface OpenAIUsageResult { input_tokens: number; input_cached_tokens?: number | null; output_tokens: number }
interface OpenAICostResult { amount: { value: number }; line_item: string | null }
interface UsageBucket { results: Array<Record<string, number> & { cache_creation: Record<string, number> }> }
interface CostBucket { results: { amount: string; currency: string }[] }

const NOW = Date.UTC(2026, 10, 20, 12) / 1000;
const DAY = 86400;
const START = NOW - 2 * DAY;

/** The vendors' own SDKs, unchanged, pointed at the simulator with baseURL. */
describe('official SDKs against the vendor simulator', () => {
  let sim: Simulator;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let truth: TruthRow[];
  beforeAll(async () => {
    sim = await startSimulator({ now: NOW, agents: 60 });
    openai = new OpenAI({ apiKey: sim.state.opts.keys.openaiAdmin, adminAPIKey: sim.state.opts.keys.openaiAdmin, baseURL: sim.openaiBaseUrl, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: sim.state.opts.keys.anthropicAdmin, baseURL: sim.anthropicBaseUrl, maxRetries: 0 });
    truth = ((await (await fetch(`${sim.url}/truth?start=${new Date(START * 1000).toISOString()}&end=${new Date(NOW * 1000).toISOString()}`)).json()) as { rows: TruthRow[] }).rows;
  });
  afterAll(() => sim.close());
  const world = () => sim.state.world;
  const truthSum = (vendor: string, f: (r: TruthRow) => number) => truth.filter((r) => r.vendor === vendor).reduce((s, r) => s + f(r), 0);

  describe('OpenAI', () => {
    it('pages every assistant with the SDK iterator, newest first', async () => {
      const seen: OpenAI.Beta.Assistant[] = [];
      for await (const a of openai.beta.assistants.list({ limit: 7 })) seen.push(a);
      const expected = world().agents.filter((a) => a.vendor === 'openai');
      expect(seen).toHaveLength(expected.length);
      expect(new Set(seen.map((a) => a.id))).toEqual(new Set(expected.map((a) => a.id)));
      expect(seen.map((a) => a.created_at)).toEqual([...seen.map((a) => a.created_at)].sort((x, y) => y - x));
      const one = await openai.beta.assistants.retrieve(seen[3]!.id);
      expect(one).toMatchObject({ id: seen[3]!.id, object: 'assistant', model: seen[3]!.model });
    });

    it('lists models, projects and each project\u2019s API keys through the admin resources', async () => {
      const models = [];
      for await (const m of openai.models.list()) models.push(m.id);
      expect(models).toEqual(expect.arrayContaining(['gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18']));
      const projects: string[] = [];
      for await (const p of openai.admin.organization.projects.list({ limit: 1 })) projects.push(p.id);
      expect(projects.sort()).toEqual(world().groups.filter((g) => g.vendor === 'openai').map((g) => g.id).sort());
      const keys: string[] = [];
      for await (const k of openai.admin.organization.projects.apiKeys.list(projects[0]!, { limit: 5 })) keys.push(k.id);
      expect(keys.sort()).toEqual(world().apiKeys.filter((k) => k.groupId === projects[0]).map((k) => k.id).sort());
    });

    it('follows next_page through hourly completions usage and matches the ground truth', async () => {
      let page: string | undefined;
      let input = 0;
      let cached = 0;
      let output = 0;
      let pages = 0;
      do {
        const res = await openai.admin.organization.usage.completions({ start_time: START, end_time: NOW, bucket_width: '1h', group_by: ['project_id', 'model', 'api_key_id', 'batch'], limit: 12, ...(page ? { page } : {}) });
        pages++;
        for (const b of res.data) for (const r of b.results as OpenAIUsageResult[]) {
          input += r.input_tokens;
          cached += r.input_cached_tokens ?? 0;
          output += r.output_tokens;
        }
        page = res.has_more ? (res.next_page ?? undefined) : undefined;
      } while (page);
      expect(pages).toBe(4);
      const embeddingModels = (r: TruthRow) => r.model.startsWith('text-embedding');
      expect(input).toBe(truthSum('openai', (r) => (embeddingModels(r) ? 0 : r.tokens.input + r.tokens.cache_read)));
      expect(cached).toBe(truthSum('openai', (r) => r.tokens.cache_read));
      expect(output).toBe(truthSum('openai', (r) => r.tokens.output));
    });

    it('reports embeddings usage on its own endpoint', async () => {
      const res = await openai.admin.organization.usage.embeddings({ start_time: START, end_time: NOW, bucket_width: '1d', group_by: ['model'] });
      const tokens = (res.data.flatMap((b) => b.results) as OpenAIUsageResult[]).reduce((s, r) => s + r.input_tokens, 0);
      expect(tokens).toBe(truthSum('openai', (r) => (r.model.startsWith('text-embedding') ? r.tokens.input : 0)));
      expect(tokens).toBeGreaterThan(0);
    });

    it('bills the same dollars in its cost report as the ground truth', async () => {
      const res = await openai.admin.organization.usage.costs({ start_time: START, end_time: NOW, bucket_width: '1d', group_by: ['line_item', 'project_id'], limit: 7 });
      const results = res.data.flatMap((b) => b.results) as OpenAICostResult[];
      const usd = results.reduce((s, r) => s + r.amount.value, 0);
      expect(usd).toBeCloseTo(truthSum('openai', (r) => r.billedUsd), 6);
      expect(results.some((r) => r.line_item === 'gpt-4o-2024-08-06, cached input')).toBe(true);
    });

    it('refuses a wrong key with OpenAI\u2019s error', async () => {
      const bad = new OpenAI({ apiKey: 'sk-wrong', adminAPIKey: 'sk-admin-wrong', baseURL: sim.openaiBaseUrl, maxRetries: 0 });
      await expect(bad.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      await expect(bad.admin.organization.projects.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    });
  });

  describe('Anthropic', () => {
    it('pages models, workspaces and API keys with the SDK iterators', async () => {
      const models: string[] = [];
      for await (const m of anthropic.models.list({ limit: 2 })) models.push(m.id);
      expect(models).toEqual(expect.arrayContaining(['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001']));
      const workspaces: string[] = [];
      for await (const w of anthropic.organization.workspaces.list({ limit: 1 })) workspaces.push(w.id);
      expect(workspaces.sort()).toEqual(world().groups.filter((g) => g.vendor === 'anthropic').map((g) => g.id).sort());
      const keys: string[] = [];
      for await (const k of anthropic.organization.apiKeys.list({ limit: 10 })) keys.push(k.id);
      expect(keys.sort()).toEqual(world().apiKeys.filter((k) => k.vendor === 'anthropic').map((k) => k.id).sort());
    });

    it('pages managed agents with the beta cursor', async () => {
      const agents: string[] = [];
      for await (const a of anthropic.beta.agents.list({ limit: 4 })) agents.push(a.id);
      expect(agents.sort()).toEqual(world().agents.filter((a) => a.vendor === 'anthropic').map((a) => a.id).sort());
    });

    it('answers a one-token health probe, and 404s a model that does not exist', async () => {
      const msg = await anthropic.messages.create({ model: 'claude-haiku-4-5-20251001', max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] });
      expect(msg.type).toBe('message');
      expect(msg.usage.output_tokens).toBe(1);
      await expect(anthropic.messages.create({ model: 'claude-nope', max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] })).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    });

    it('pages the usage report with the low-level report cursor and matches the ground truth, nested cache_creation included', async () => {
      let uncached = 0;
      let read = 0;
      let w5 = 0;
      let w1 = 0;
      let output = 0;
      let buckets = 0;
      const query = { starting_at: new Date(START * 1000).toISOString(), ending_at: new Date(NOW * 1000).toISOString(), bucket_width: '1h', group_by: ['workspace_id', 'api_key_id', 'model', 'service_tier', 'context_window'], limit: 10 };
      for await (const bucket of anthropic.getAPIList<UsageBucket, ReportPageCursor<UsageBucket>>('/v1/organizations/usage_report/messages', ReportPageCursor<UsageBucket>, { query })) {
        buckets++;
        for (const r of bucket.results) {
          uncached += r.uncached_input_tokens!;
          read += r.cache_read_input_tokens!;
          w5 += r.cache_creation.ephemeral_5m_input_tokens!;
          w1 += r.cache_creation.ephemeral_1h_input_tokens!;
          output += r.output_tokens!;
        }
      }
      expect(buckets).toBe(48);
      expect([uncached, read, w5, w1, output]).toEqual([
        truthSum('anthropic', (r) => r.tokens.input),
        truthSum('anthropic', (r) => r.tokens.cache_read),
        truthSum('anthropic', (r) => r.tokens.cache_write_5m),
        truthSum('anthropic', (r) => r.tokens.cache_write_1h),
        truthSum('anthropic', (r) => r.tokens.output),
      ]);
    });

    it('bills in cents as decimal strings that add up to the ground truth', async () => {
      let cents = 0;
      const query = { starting_at: new Date(START * 1000).toISOString(), ending_at: new Date(NOW * 1000).toISOString(), group_by: ['workspace_id', 'description'], limit: 1 };
      for await (const bucket of anthropic.getAPIList<CostBucket, ReportPageCursor<CostBucket>>('/v1/organizations/cost_report', ReportPageCursor<CostBucket>, { query })) {
        for (const r of bucket.results) {
          expect(r.amount).toMatch(/^\d+(\.\d+)?$/);
          expect(r.currency).toBe('USD');
          cents += Number(r.amount);
        }
      }
      expect(cents / 100).toBeCloseTo(truthSum('anthropic', (r) => r.billedUsd), 4);
    });

    it('refuses a wrong key with Anthropic\u2019s error body', async () => {
      const bad = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: sim.anthropicBaseUrl, maxRetries: 0 });
      const err = await bad.models.list().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((err as { error: { type: string; error: { type: string } } }).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    });
  });

  describe('limits and faults as the SDKs meet them', () => {
    it('a 429 carries retry-after, and the SDK\u2019s own retry waits it out without a violation', async () => {
      const tight = await startSimulator({ now: NOW, agents: 5, rateLimit: { requests: 2, windowSeconds: 1 } });
      try {
        const client = new OpenAI({ apiKey: tight.state.opts.keys.openaiAdmin, adminAPIKey: tight.state.opts.keys.openaiAdmin, baseURL: tight.openaiBaseUrl, maxRetries: 3 });
        for (let i = 0; i < 4; i++) await client.models.list();
        expect(tight.state.stats.rateLimited).toBeGreaterThan(0);
        expect(tight.state.stats.violations).toBe(0);
        await new Promise((r) => setTimeout(r, 1100)); // a fresh window
        const noRetry = new OpenAI({ apiKey: tight.state.opts.keys.openaiAdmin, baseURL: tight.openaiBaseUrl, maxRetries: 0 });
        await noRetry.models.list();
        await noRetry.models.list();
        const err = await noRetry.models.list().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OpenAI.RateLimitError);
        expect(Number((err as { headers: Headers }).headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      } finally {
        await tight.close();
      }
    });

    it('injected faults surface as the vendors\u2019 server errors', async () => {
      const faulty = await startSimulator({ now: NOW, agents: 5, faultRate: 1 });
      try {
        const a = new Anthropic({ apiKey: faulty.state.opts.keys.anthropicAdmin, baseURL: faulty.anthropicBaseUrl, maxRetries: 0 });
        const o = new OpenAI({ apiKey: faulty.state.opts.keys.openaiAdmin, baseURL: faulty.openaiBaseUrl, maxRetries: 0 });
        const errors = await Promise.all([a.models.list().catch((e: unknown) => e), o.models.list().catch((e: unknown) => e)]);
        expect((errors[0] as { status: number }).status).toBeGreaterThanOrEqual(500);
        expect(errors[1]).toBeInstanceOf(OpenAI.InternalServerError);
        expect(faulty.state.stats.faults).toBe(2);
      } finally {
        await faulty.close();
      }
    });
  });
});
