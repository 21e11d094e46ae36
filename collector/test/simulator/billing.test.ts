import { bill, billedGroups } from '../../src/simulator/billing';
import { SIM_MODELS } from '../../src/simulator/catalog';
import type { UsageCell } from '../../src/simulator/traffic';

const model = (id: string) => SIM_MODELS.find((m) => m.id === id)!;
const cell = (over: Partial<UsageCell>): UsageCell => ({
  vendor: 'anthropic', hour: 0, groupId: 'w', apiKeyId: 'k', model: 'claude-sonnet-4-5-20250929', batch: false, tier: 'default', longContext: false,
  requests: 1, uncachedInput: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 0, embedding: false, ...over,
});
const total = (lines: ReturnType<typeof bill>) => lines.reduce((s, l) => s + l.amount, 0);

/** Each vendor rule, against figures worked out by hand from the published prices. */
describe('simulator billing rules', () => {
  it('Anthropic: cache writes at 1.25x (5m) and 2x (1h), reads at 0.1x of input', () => {
    const lines = bill(cell({ uncachedInput: 1_000_000, cacheRead: 1_000_000, cacheWrite5m: 1_000_000, cacheWrite1h: 1_000_000, output: 1_000_000 }), model('claude-sonnet-4-5-20250929'));
    expect(Object.fromEntries(lines.map((l) => [l.tokenType, Number(l.amount.toFixed(6))]))).toEqual({ input: 3, cache_read: 0.3, cache_write_5m: 3.75, cache_write_1h: 6, output: 15 });
  });

  it('Anthropic long context (over 200k input): input 2x, output 1.5x', () => {
    expect(total(bill(cell({ longContext: true, uncachedInput: 1_000_000, output: 1_000_000 }), model('claude-sonnet-4-5-20250929')))).toBeCloseTo(6 + 22.5, 9);
    expect(total(bill(cell({ longContext: true, cacheRead: 1_000_000 }), model('claude-sonnet-4-5-20250929')))).toBeCloseTo(0.6, 9);
  });

  it('batch halves every token price, on both vendors', () => {
    expect(total(bill(cell({ batch: true, uncachedInput: 2_000_000, output: 1_000_000 }), model('claude-haiku-4-5-20251001')))).toBeCloseTo((2 * 1 + 5) / 2, 9);
    expect(total(bill(cell({ vendor: 'openai', model: 'gpt-4o-2024-08-06', batch: true, uncachedInput: 1_000_000, output: 1_000_000 }), model('gpt-4o-2024-08-06')))).toBeCloseTo((2.5 + 10) / 2, 9);
  });

  it('OpenAI: cached input at its own column, no charge for cache writes', () => {
    const lines = bill(cell({ vendor: 'openai', model: 'gpt-4o-2024-08-06', uncachedInput: 1_000_000, cacheRead: 1_000_000, cacheWrite5m: 1_000_000, output: 0 }), model('gpt-4o-2024-08-06'));
    expect(lines.map((l) => [l.tokenType, l.amount])).toEqual([['input', 2.5], ['cache_read', 1.25]]);
  });

  it('OpenAI flex and priority bill at their own published prices; a model not offered at a tier is refused', () => {
    const o4 = (tier: UsageCell['tier']) => total(bill(cell({ vendor: 'openai', model: 'o4-mini-2025-04-16', tier, uncachedInput: 1_000_000, cacheRead: 1_000_000, output: 1_000_000 }), model('o4-mini-2025-04-16')));
    expect(o4('default')).toBeCloseTo(1.1 + 0.275 + 4.4, 9);
    expect(o4('flex')).toBeCloseTo(0.55 + 0.1375 + 2.2, 9);
    expect(o4('priority')).toBeCloseTo(2 + 0.5 + 8, 9);
    expect(() => bill(cell({ vendor: 'openai', model: 'gpt-4o-2024-08-06', tier: 'flex', output: 1 }), model('gpt-4o-2024-08-06'))).toThrow(/not offered at the flex tier/);
  });

  it('emits no line for a token type that was not used', () => {
    expect(bill(cell({ output: 10 }), model('claude-opus-4-1-20250805')).map((l) => l.tokenType)).toEqual(['output']);
  });

  it('sums a cost report’s groups to the same bits as billing line by line, itemised or not', () => {
    const models = new Map(SIM_MODELS.map((m) => [m.id, m]));
    const ids = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'];
    // Many cells with awkward token counts, so the order of the additions shows in the last bits.
    const cells = Array.from({ length: 500 }, (_, i) =>
      cell({ groupId: `w${i % 3}`, model: ids[i % 2]!, batch: i % 5 === 0, longContext: i % 7 === 0, uncachedInput: 1 + ((i * 7919) % 100_003), cacheRead: (i * 104_729) % 9_973, cacheWrite5m: i % 4 ? 0 : 77 * i, cacheWrite1h: i % 6 ? 0 : 13 * i, output: (i * 31) % 5_003 }),
    );
    for (const byTokenType of [true, false]) {
      const groupOf = (c: UsageCell) => `${byTokenType ? `${c.model}|${c.longContext}|${c.batch}` : ''}|${c.groupId}`;
      const expected = new Map<string, number>();
      for (const c of cells) for (const l of bill(c, models.get(c.model)!)) {
        const id = `${groupOf(c)}|${byTokenType ? l.tokenType : ''}`;
        expected.set(id, (expected.get(id) ?? 0) + l.amount);
      }
      const got = new Map(billedGroups(cells, models, groupOf, byTokenType).map((g) => [`${groupOf(g.cell)}|${g.tokenType ?? ''}`, g.amount]));
      expect(got).toEqual(expected);
      if (!byTokenType) expect(got.size).toBe(3); // one per workspace
    }
  });
});
