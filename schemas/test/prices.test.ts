import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { checkPriceTable, loadPriceTable, type PriceTable } from '../src';

const SRC = 'https://example.com/pricing';

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
            'gpt-x': { aliases: ['gpt-y'], cheaper: 'gpt-z', prices: [{ effective_from: '2025-01-01', source: SRC, input: 1, output: 2 }, { effective_from: '2025-01-01', source: SRC, input: 1, output: 2 }] },
            'gpt-y': { prices: [{ effective_from: '2025-02-30', source: SRC, input: 1, output: 2 }] },
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

  it('gives every row the vendor page it comes from and the day it took effect; a row without either is refused', () => {
    const t = loadPriceTable();
    const rows = Object.entries(t.vendors).flatMap(([vendor, v]) => Object.entries(v.models).flatMap(([model, m]) => m.prices.map((p) => ({ row: `${vendor} ${model} ${p.effective_from}`, p }))));
    expect(rows.length).toBeGreaterThan(25);
    expect(rows.filter(({ p }) => !/^https:\/\/\S+$/.test(p.source ?? '') || !/^\d{4}-\d{2}-\d{2}$/.test(p.effective_from)).map((r) => r.row)).toEqual([]);
    const file = join(mkdtempSync(join(tmpdir(), 'prices-')), 'unsourced.yaml');
    writeFileSync(file, stringify({ version: 1, vendors: { OPENAI: { batch_multiplier: 0.5, models: { m: { prices: [{ effective_from: '2025-01-01', input: 1, output: 2 }] } } } } }));
    expect(() => loadPriceTable(file)).toThrow(/prices\/0.*source/);
  });

  it('prices o3 at its June 2025 cut (2.00 / 0.50 / 8.00) and keeps the launch row for history', () => {
    const o3 = loadPriceTable().vendors.OPENAI!.models.o3!.prices;
    expect(o3.map((p) => [p.effective_from, p.input, p.cached_input, p.output])).toEqual([
      ['2025-04-16', 10, 2.5, 40],
      ['2025-06-10', 2, 0.5, 8],
    ]);
  });

  it('carries OpenAI flex and priority rates: flex at half of standard, priority above it', () => {
    const openai = loadPriceTable().vendors.OPENAI!.models;
    const latest = (m: string) => openai[m]!.prices.at(-1)!;
    expect(latest('o3').tiers).toEqual({ flex: { input: 1, cached_input: 0.25, output: 4 }, priority: { input: 3.5, cached_input: 0.875, output: 14 } });
    for (const [model, m] of Object.entries(openai)) {
      for (const p of m.prices) {
        if (p.tiers?.flex) expect([model, p.tiers.flex.input, p.tiers.flex.output]).toEqual([model, Number(p.input) / 2, Number(p.output) / 2]);
        if (p.tiers?.priority) expect([model, Number(p.tiers.priority.input) > Number(p.input)]).toEqual([model, true]);
      }
    }
    expect(Object.entries(openai).filter(([, m]) => m.prices.some((p) => p.tiers?.priority)).map(([name]) => name)).toEqual(
      expect.arrayContaining(['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o3', 'o4-mini', 'gpt-5', 'gpt-5-mini']),
    );
  });
});
