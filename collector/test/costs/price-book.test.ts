import { loadPriceTable } from '@ai-arm/schemas';
import { attoText } from '../../src/costs/money';
import { PriceBook, type TokenCounts, type UsageCell } from '../../src/costs/price-book';

const table = loadPriceTable();
const tokens = (over: Partial<TokenCounts>): TokenCounts => ({ input: 0, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 0, ...over });
const cell = (over: Partial<UsageCell>): UsageCell => ({ vendor: 'OPENAI', model: 'o3-2025-04-16', day: '2026-11-20', serviceTier: 'standard', contextWindow: '', tokens: tokens({}), ...over });
/** USD of a priced cell, or the reason it is not priced. */
const usd = (book: PriceBook, c: UsageCell) => {
  const p = book.price(c);
  return p.priced ? attoText(p.cost, 6) : p.reason;
};
const MILLION = 1_000_000;

describe('price book: list rows by date and service tier', () => {
  const book = new PriceBook(table);

  it('prices o3 at 2.00 / 0.50 / 8.00 per million since 2025-06-10 and at its launch price before', () => {
    const mix = tokens({ input: MILLION, cache_read: MILLION, output: MILLION });
    expect(usd(book, cell({ tokens: mix }))).toBe('10.500000');
    expect(usd(book, cell({ day: '2025-06-09', tokens: mix }))).toBe('52.500000');
  });

  it('prices flex and priority usage at their own tier rates, batch at the batch discount', () => {
    const mix = tokens({ input: MILLION, cache_read: MILLION, output: MILLION });
    expect(usd(book, cell({ serviceTier: 'flex', tokens: mix }))).toBe('5.250000');
    expect(usd(book, cell({ serviceTier: 'priority', tokens: mix }))).toBe('18.375000');
    expect(usd(book, cell({ serviceTier: 'batch', tokens: mix }))).toBe('5.250000');
    expect(usd(book, cell({ model: 'gpt-5-mini-2025-08-07', serviceTier: 'priority', tokens: mix }))).toBe('4.095000');
  });

  it('never prices tier usage at standard: a tier the row has no rates for is unpriced, with the reason', () => {
    const some = tokens({ input: 1000 });
    expect(usd(book, cell({ model: 'gpt-5-nano', serviceTier: 'priority', tokens: some }))).toBe('gpt-5-nano has no priority tier price in effect on 2026-11-20');
    expect(usd(book, cell({ model: 'gpt-4o-2024-08-06', serviceTier: 'flex', tokens: some }))).toBe('gpt-4o has no flex tier price in effect on 2026-11-20');
    // Priority processing is dated from 2025-06-10: earlier priority usage is not guessed at.
    expect(usd(book, cell({ model: 'gpt-4.1', day: '2025-05-01', serviceTier: 'priority', tokens: some }))).toBe('gpt-4.1 has no priority tier price in effect on 2025-05-01');
    expect(usd(book, cell({ serviceTier: 'scale', tokens: some }))).toBe('o3: service tier scale has no prices');
  });
});

describe('price book: a contract override inherits every rate it does not name', () => {
  const longContext = { vendor: 'ANTHROPIC', model: 'claude-sonnet-4-5-20250929', day: '2026-11-20', serviceTier: 'standard', contextWindow: '200k-1M' };
  // The contract names the standard rates only; the list's long-context tier must still apply.
  const sonnet = { vendor: 'ANTHROPIC', model: 'claude-sonnet-4-5', entry: { effective_from: '2026-01-01', input: 2.4, cached_input: 0.24, cache_write_5m: 3, cache_write_1h: 4.8, output: 12 } };

  it('prices long-context usage at the list long-context rate when the override names none', () => {
    const book = new PriceBook(table, [sonnet]);
    const long = tokens({ input: MILLION, cache_read: MILLION, cache_write_5m: MILLION, output: MILLION });
    // List long-context: 6.00 input, 0.60 cached, 7.50 write, 22.50 output.
    expect(usd(book, cell({ ...longContext, tokens: long }))).toBe('36.600000');
    // The standard window takes the contract rates.
    expect(usd(book, cell({ ...longContext, contextWindow: '0-200k', tokens: long }))).toBe('17.640000');
    const p = book.price(cell({ ...longContext, tokens: long }));
    expect(p).toMatchObject({ priced: true, source: 'override' });
  });

  it('names what it inherited, rate by rate, and takes the rates it names', () => {
    const book = new PriceBook(table);
    const { card, missing } = book.inherit({ vendor: 'ANTHROPIC', model: 'claude-sonnet-4-5', entry: { effective_from: '2026-01-01', input: 2.4, long_context: { context_window: '200k-1M', input: 4.8 } } });
    expect(missing).toEqual([]);
    expect(card.inherited).toEqual(['cached_input', 'cache_write_5m', 'cache_write_1h', 'output', 'long_context.cached_input', 'long_context.cache_write_5m', 'long_context.cache_write_1h', 'long_context.output']);
    expect(card.sourceUrl).toMatch(/^https:\/\/docs\.anthropic\.com\//);
    const o3 = book.inherit({ vendor: 'OPENAI', model: 'o3', entry: { effective_from: '2026-01-01', input: 1.5, output: 6 } });
    expect(o3.card.inherited).toEqual(['cached_input', 'tiers.flex.input', 'tiers.flex.cached_input', 'tiers.flex.output', 'tiers.priority.input', 'tiers.priority.cached_input', 'tiers.priority.output']);
    const withOverride = new PriceBook(table, [{ vendor: 'OPENAI', model: 'o3', entry: { effective_from: '2026-01-01', input: 1.5, output: 6 } }]);
    expect(usd(withOverride, cell({ serviceTier: 'flex', tokens: tokens({ input: MILLION }) }))).toBe('1.000000');
    expect(usd(withOverride, cell({ tokens: tokens({ input: MILLION, cache_read: MILLION }) }))).toBe('2.000000');
  });

  it('an override named as a dated snapshot or an alias reprices that name alone; one named as the model reprices them all', () => {
    const input = tokens({ input: MILLION });
    const at = (book: PriceBook, model: string) => usd(book, cell({ model, day: '2026-01-01', tokens: input }));
    const snapshot = new PriceBook(table, [{ vendor: 'OPENAI', model: 'gpt-4o-2024-05-13', entry: { effective_from: '2025-12-01', input: 5, output: 15 } }]);
    expect([at(snapshot, 'gpt-4o-2024-05-13'), at(snapshot, 'gpt-4o'), at(snapshot, 'gpt-4o-2024-08-06'), at(snapshot, 'chatgpt-4o-latest')]).toEqual(['5.000000', '2.500000', '2.500000', '2.500000']);
    // Before its date the snapshot has the model's list price.
    expect(usd(snapshot, cell({ model: 'gpt-4o-2024-05-13', day: '2025-11-30', tokens: input }))).toBe('2.500000');
    const alias = new PriceBook(table, [{ vendor: 'OPENAI', model: 'chatgpt-4o-latest', entry: { effective_from: '2025-12-01', input: 4, output: 12 } }]);
    expect([at(alias, 'chatgpt-4o-latest'), at(alias, 'gpt-4o')]).toEqual(['4.000000', '2.500000']);
    const model = new PriceBook(table, [{ vendor: 'OPENAI', model: 'gpt-4o', entry: { effective_from: '2025-12-01', input: 3, output: 12 } }]);
    expect([at(model, 'gpt-4o'), at(model, 'gpt-4o-2024-08-06'), at(model, 'chatgpt-4o-latest')]).toEqual(['3.000000', '3.000000', '3.000000']);
  });

  it('inherits from the list row in force on the override date, not a later one', () => {
    const book = new PriceBook(table, [{ vendor: 'OPENAI', model: 'o3', entry: { effective_from: '2025-05-01', input: 9 } }]);
    // 2025-05-20: the override (input 9) with the launch row's cached 2.50 and output 40.
    expect(usd(book, cell({ day: '2025-05-20', tokens: tokens({ input: MILLION, cache_read: MILLION, output: MILLION }) }))).toBe('51.500000');
  });

  it('with nothing to inherit, names the rates an override lacks', () => {
    const book = new PriceBook(table);
    expect(book.inherit({ vendor: 'OPENAI', model: 'o1-pro', entry: { effective_from: '2025-01-01', cached_input: 150 } }).missing).toEqual(['input', 'output']);
    expect(book.inherit({ vendor: 'OPENAI', model: 'o3', entry: { effective_from: '2025-01-01', input: 1, output: 2 } }).missing).toEqual([]);
    expect(book.inherit({ vendor: 'OPENAI', model: 'o3', entry: { effective_from: '2025-01-01', input: 1 } }).missing).toEqual(['output']);
    expect(book.inherit({ vendor: 'OPENAI', model: 'gpt-4o', entry: { effective_from: '2025-07-01', long_context: { context_window: '128k+', input: 5 } } }).missing).toEqual(['long_context.output']);
  });
});
