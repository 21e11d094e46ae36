import { loadPriceTable } from '@ai-arm/schemas';
import { PriceBook } from '../../src/costs/price-book';
import { priceCell } from '../../src/costs/pricing';
import type { InteractionInput } from '../../src/interactions/interaction';
import { priceInteraction } from '../../src/interactions/org-context';
import { RECENT_ID_MS, RecentIds } from '../../src/interactions/recent-ids';
import { costText, microsText } from '../../src/interactions/rows';
import { versionShape, VersionRegistry } from '../../src/interactions/versions';
import { Instruments } from '../../src/metrics/instruments.generated';
import { PrometheusSink } from '../../src/metrics/prometheus-sink';
import { migratePostgres } from '../../src/stores/postgres/migrate';
import type { ControlPlaneDb } from '../../src/stores/postgres/types';
import { freshPGlite } from '../support/stores';
import { systemDb } from '../support/system-db';

/** What RecentIds answered before it was built for speed: one Map in remembering order. */
class MapRecentIds {
  private readonly seen = new Map<string, number>();
  constructor(private readonly max: number) {}
  firstTime(org: string, id: string, now: number): boolean {
    const key = `${org}|${id}`;
    const at = this.seen.get(key);
    if (at !== undefined && now - at < RECENT_ID_MS) return false;
    this.seen.delete(key);
    this.seen.set(key, now);
    while (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
}

/** A small deterministic generator, so a failure replays. */
const rng = (seed: number) => () => ((seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;

describe('the pipeline hot path answers as the plain code did', () => {
  it('remembers ids exactly as one Map would: retries within ten minutes, expiry, the bound, two organisations', () => {
    for (const [max, pool, step] of [
      [50, 80, 20_000],
      [50, 2000, 1000],
      [300, 400, 3000],
      [10, 12, 200_000],
    ] as const) {
      const random = rng(max * pool);
      const fast = new RecentIds(max);
      const plain = new MapRecentIds(max);
      let now = Date.UTC(2026, 11, 6);
      const answers: [boolean, boolean][] = [];
      for (let i = 0; i < 40_000; i++) {
        now += Math.floor(random() * step);
        const org = random() < 0.8 ? 'org-a' : 'org-b';
        const id = `span-${Math.floor(random() * pool)}`;
        answers.push([fast.firstTime(org, id, now), plain.firstTime(org, id, now)]);
      }
      expect(answers.filter(([a, b]) => a !== b)).toEqual([]);
      // Both answers occur, so the comparison covered retries and new ids alike.
      expect(new Set(answers.map(([a]) => a)).size).toBe(2);
    }
  });

  it('remembers ids of any length and any characters exactly, through the growth and wrap of its character ring', () => {
    const random = rng(99);
    // Ids that share a hash bucket's length but differ in one character, long ones, and ones past Latin-1 (kept as strings).
    const pool = Array.from({ length: 600 }, (_, i) => {
      const kind = i % 4;
      if (kind === 0) return `${'0'.repeat(32)}:${i.toString(16).padStart(16, '0')}`;
      if (kind === 1) return `id-${i}-${'x'.repeat(Math.floor(random() * 3000))}`;
      if (kind === 2) return `é-${i}`;
      return `запрос-${i}-✓`;
    });
    for (const max of [40, 250]) {
      const fast = new RecentIds(max);
      const plain = new MapRecentIds(max);
      let now = Date.UTC(2026, 11, 6);
      const answers: [boolean, boolean][] = [];
      for (let i = 0; i < 30_000; i++) {
        now += Math.floor(random() * 2000);
        const org = random() < 0.7 ? 'org-a' : 'org-b';
        const id = pool[Math.floor(random() * pool.length)]!;
        answers.push([fast.firstTime(org, id, now), plain.firstTime(org, id, now)]);
      }
      expect(answers.filter(([a, b]) => a !== b)).toEqual([]);
      expect(new Set(answers.map(([a]) => a)).size).toBe(2);
    }
  });

  it('forgets the oldest id first once past the bound, and an id again after ten minutes', () => {
    const ids = new RecentIds(3);
    const t = Date.UTC(2026, 11, 6);
    for (const id of ['a', 'b', 'c', 'd']) expect(ids.firstTime('o', id, t)).toBe(true);
    expect(ids.firstTime('o', 'd', t + 1)).toBe(false);
    expect(ids.firstTime('o', 'a', t + 1)).toBe(true);
    expect(ids.firstTime('p', 'd', t + 1)).toBe(true);
    expect(ids.firstTime('o', 'd', t + RECENT_ID_MS - 1)).toBe(false);
    expect(ids.firstTime('o', 'd', t + RECENT_ID_MS)).toBe(true);
  });

  it('writes row times and costs exactly as the Date and BigInt arithmetic does', () => {
    const random = rng(7);
    for (let i = 0; i < 4000; i++) {
      const ms = Date.UTC(2020, 0, 1) + random() * 4e11 + (i % 3 ? random() : 0);
      const whole = Math.floor(ms);
      const iso = new Date(whole).toISOString();
      expect(microsText(ms)).toBe(`${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(Math.min(Math.round((ms - whole) * 1000), 999)).padStart(3, '0')}`);
    }
    expect(microsText(Date.UTC(2026, 11, 31, 23, 59, 59, 999) + 0.9996)).toBe('2026-12-31 23:59:59.999999');
    for (const cost of [0n, 999_999n, 1_000_000n, 10n ** 18n, 123_456_789_012_345_678n, BigInt(Number.MAX_SAFE_INTEGER) * 1_000_000n + 5n, 10n ** 40n]) {
      const micro = cost / 1_000_000n;
      expect(costText(cost)).toBe(`${micro / 10n ** 12n}.${String(micro % 10n ** 12n).padStart(12, '0')}`);
    }
  });

  it('prices a pushed request as the price book prices the whole request, for every model, day and mix of tokens', () => {
    const table = loadPriceTable();
    const book = new PriceBook(table);
    const random = rng(11);
    const models = Object.entries(table.vendors).flatMap(([vendor, v]) => Object.keys(v.models).map((m) => [vendor, m] as const));
    const provider: Record<string, string> = { OPENAI: 'openai', ANTHROPIC: 'anthropic' };
    let priced = 0;
    for (let i = 0; i < 3000; i++) {
      const [vendor, model] = models[Math.floor(random() * models.length)]!;
      const tokens = { input: Math.floor(random() * 200_000), output: Math.floor(random() * 5000), cacheRead: random() < 0.5 ? 0 : Math.floor(random() * 100_000), cacheWrite: random() < 0.7 ? 0 : Math.floor(random() * 10_000) };
      const startedAtMs = Date.UTC(2024, 6, 1) + random() * 2 * 365 * 86_400_000;
      const item = { provider: provider[vendor] ?? 'gcp.vertex_ai', requestModel: random() < 0.1 ? 'no-such-model' : model, startedAtMs, tokens } as InteractionInput;
      const got = priceInteraction(book, item);
      const whole = priceCell(book, { vendor, model: item.requestModel, day: new Date(startedAtMs).toISOString().slice(0, 10), serviceTier: 'standard', contextWindow: '', tokens: { input: tokens.input, cache_read: tokens.cacheRead, cache_write_5m: tokens.cacheWrite, cache_write_1h: 0, output: tokens.output } });
      if (!provider[vendor]) continue;
      const want = whole.unpriced.length === 0 ? { cost: whole.cost, unpricedTokens: 0 } : { cost: null, unpricedTokens: whole.unpriced.reduce((n, p) => n + p.tokens, 0) };
      expect({ cost: got.cost, unpricedTokens: got.unpricedTokens }).toEqual(want);
      if (got.costMicros !== undefined) expect(BigInt(got.costMicros) * 1_000_000n).toBe(got.cost);
      if (got.cost !== null) priced++;
    }
    expect(priced).toBeGreaterThan(100);
  });

  it('counts frozen label sets into the same series as fresh ones, and starts again after a clear', async () => {
    const sink = new PrometheusSink({ processMetrics: false });
    const metrics = new Instruments(sink);
    const labels = Object.freeze({ organization_id: 'o', gen_ai_agent_id: 'a1' });
    metrics.agentRequestDuration.record(1.5, labels);
    metrics.agentRequestDuration.record(0.5, { organization_id: 'o', gen_ai_agent_id: 'a1' });
    metrics.agentRequestDuration.record(2, labels);
    const count = async () => (await sink.render()).split('\n').find((l) => l.startsWith('ai_arm_agent_request_duration_seconds_count{organization_id="o",gen_ai_agent_id="a1"}'));
    expect(await count()).toMatch(/ 3$/);
    const gauge = Object.freeze({ organization_id: 'o', gen_ai_provider_name: 'openai' as const, agent_status: 'active' as const });
    metrics.agents.set(4, gauge);
    metrics.agents.clear({ organization_id: 'o' });
    metrics.agents.set(5, gauge);
    expect((await sink.render()).split('\n').filter((l) => l.startsWith('ai_arm_agents{'))).toEqual(['ai_arm_agents{organization_id="o",gen_ai_provider_name="openai",agent_status="active"} 5']);
  });
});

describe('versions found from the shape an agent last sent (real PGlite)', () => {
  let db: ControlPlaneDb;
  let drop: () => Promise<void>;
  let org: string;
  let agent: string;
  beforeAll(async () => {
    ({ db, drop } = await freshPGlite());
    await migratePostgres(db);
    [{ id: org }] = (await systemDb(db).query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('hot', 'hot') RETURNING id")) as [{ id: string }];
    [{ id: agent }] = (await systemDb(db).query<{ id: string }>("INSERT INTO agents (organization_id, vendor, vendor_agent_id, name) VALUES ($1, 'CUSTOM', 'hot-bot', 'hot') RETURNING id", [org])) as [{ id: string }];
  });
  afterAll(() => drop());

  it('tells a changed instruction text, model or tool set from the shape it remembers, and forgets an agent when told', async () => {
    const reg = new VersionRegistry(db);
    const t = Date.UTC(2026, 11, 6, 12);
    const text = 'Answer in French. '.repeat(300);
    // A copy of the text as a decoder would make it: equal, not the same string.
    const copy = Buffer.from(text).toString();
    const sight = (system: string | undefined, model = 'gpt-4o', tools: string[] = ['b', 'a']) => reg.sight(org, agent, model, system, tools, t);
    expect(sight(text)).toBeUndefined();
    const v1 = await reg.versionOf(org, agent, versionShape('gpt-4o', text, ['b', 'a']), t);
    expect(sight(copy)).toMatchObject({ version: v1 });
    expect(sight(copy, 'gpt-4o', ['a', 'b', 'a'])).toMatchObject({ version: v1 });
    expect(sight(`${text.slice(0, -1)}!`)).toBeUndefined();
    expect(sight(copy, 'gpt-4o-mini')).toBeUndefined();
    expect(sight(copy, 'gpt-4o', ['a'])).toBeUndefined();
    expect(sight(undefined)).toBeUndefined();
    reg.forget(agent);
    expect(sight(copy)).toBeUndefined();
    await reg.close();
  });
});
