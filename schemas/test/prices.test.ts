import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { checkPriceTable, loadPriceTable, type PriceTable } from '../src';

describe('the list price table', () => {
  it('loads, covers the models the vendors document, and every cheaper model exists', () => {
    const t = loadPriceTable();
    expect(Object.keys(t.vendors).sort()).toEqual(['ANTHROPIC', 'GOOGLE', 'OPENAI']);
    expect(Object.keys(t.vendors.OPENAI!.models)).toEqual(expect.arrayContaining(['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o4-mini', 'gpt-5-mini']));
    expect(t.vendors.ANTHROPIC!.models['claude-sonnet-4-5']!.prices[0]!.long_context).toMatchObject({ context_window: '200k-1M', input: 6, output: 22.5 });
    expect(checkPriceTable(t)).toEqual([]);
  });

  it('names every problem of a bad table at once', () => {
    const bad: PriceTable = {
      version: 1,
      vendors: {
        ACME: { batch_multiplier: 0.5, models: {} },
        OPENAI: {
          batch_multiplier: 0.5,
          models: {
            'gpt-x': { aliases: ['gpt-y'], cheaper: 'gpt-z', prices: [{ effective_from: '2025-01-01', input: 1, output: 2 }, { effective_from: '2025-01-01', input: 1, output: 2 }] },
            'gpt-y': { prices: [{ effective_from: '2025-02-30', input: 1, output: 2 }] },
          },
        },
      },
    };
    const problems = checkPriceTable(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('vendors.ACME: not one of'),
        expect.stringContaining('gpt-y names two models'),
        expect.stringContaining('cheaper model gpt-z is not in the table'),
        expect.stringContaining('two entries share an effective_from'),
      ]),
    );
    const file = join(mkdtempSync(join(tmpdir(), 'prices-')), 'bad.yaml');
    writeFileSync(file, stringify({ version: 1, vendors: { OPENAI: { batch_multiplier: 'half', models: { m: { prices: [{ effective_from: 'soon', input: -1 }] } } } } }));
    expect(() => loadPriceTable(file)).toThrow(/price table .* is invalid:\n.*batch_multiplier/s);
  });
});
