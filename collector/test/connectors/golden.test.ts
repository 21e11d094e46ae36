import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { centsToUsd, normalizeAnthropicCosts, type AnthropicCostPage } from '../../src/connectors/anthropic/costs';
import { normalizeAnthropicUsage, type AnthropicUsagePage } from '../../src/connectors/anthropic/usage';
import { normalizeOpenAICosts, usdDecimal, type OpenAICostPage } from '../../src/connectors/openai/costs';
import { normalizeOpenAIUsage, type OpenAIUsagePage } from '../../src/connectors/openai/usage';

const TESTDATA = join(__dirname, '..', '..', 'testdata');
const read = <T>(path: string): T => JSON.parse(readFileSync(join(TESTDATA, path), 'utf8')) as T;

/**
 * Golden files: a vendor payload in testdata/, the rows it must become beside it
 * (`*.expected.json`). `UPDATE_GOLDEN=1` rewrites the expected files; review the diff.
 */
const cases: [string, (payload: never) => unknown[]][] = [
  ['openai/usage_completions', (p: OpenAIUsagePage) => normalizeOpenAIUsage(p, '1h')],
  ['openai/usage_embeddings', (p: OpenAIUsagePage) => normalizeOpenAIUsage(p, '1h')],
  ['openai/costs', (p: OpenAICostPage) => normalizeOpenAICosts(p)],
  ['anthropic/usage_report_messages', (p: AnthropicUsagePage) => normalizeAnthropicUsage(p, '1h')],
  ['anthropic/cost_report', (p: AnthropicCostPage) => normalizeAnthropicCosts(p)],
];

describe('connector golden files', () => {
  it.each(cases)('%s.json normalises to %s.expected.json', (name, normalize) => {
    const rows = normalize(read<never>(`${name}.json`));
    const expectedPath = join(TESTDATA, `${name}.expected.json`);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(expectedPath, `${JSON.stringify(rows, null, 2)}\n`);
    expect(rows).toEqual(read(`${name}.expected.json`));
  });

  // The facts the golden files pin down, said once more in words.
  it('OpenAI input_tokens includes cached input; the row keeps uncached input only', () => {
    const [row] = normalizeOpenAIUsage(read('openai/usage_completions.json'), '1h');
    expect(row).toMatchObject({ input_tokens: 75000, cache_read_tokens: 45000, requests: 61, service_tier: 'standard' });
  });

  it('OpenAI service_tier: default is standard, flex and priority kept for their own prices, batch wins, an unknown tier kept as named', () => {
    const rows = normalizeOpenAIUsage(read('openai/usage_completions.json'), '1h');
    expect(rows.map((r) => [r.model, r.service_tier])).toEqual([
      ['gpt-4o-2024-08-06', 'standard'],
      ['gpt-4o-mini-2024-07-18', 'batch'],
      ['o4-mini-2025-04-16', 'flex'],
      ['gpt-4.1-2025-04-14', 'priority'],
      ['gpt-4.1-2025-04-14', 'scale'],
    ]);
    expect(normalizeOpenAICosts(read('openai/costs.json')).filter((r) => r.service_tier === 'flex' || r.service_tier === 'priority').map((r) => [r.model, r.token_type, r.service_tier])).toEqual([
      ['o4-mini-2025-04-16', 'output', 'flex'],
      ['gpt-4.1-2025-04-14', 'input', 'priority'],
    ]);
  });

  it('Anthropic cache writes come from the nested cache_creation object', () => {
    const [row] = normalizeAnthropicUsage(read('anthropic/usage_report_messages.json'), '1h');
    expect(row).toMatchObject({ cache_write_5m_tokens: 1000, cache_write_1h_tokens: 4000, cache_read_tokens: 200000, input_tokens: 1500 });
  });

  it.each([
    ['123.45', '1.2345'],
    ['0.5', '0.005'],
    ['1500', '15'],
    ['7', '0.07'],
    ['0', '0'],
    ['-250.1', '-2.501'],
    ['7.0000001', '0.070000001'],
  ])('Anthropic cents %s are $%s, shifted exactly', (cents, usd) => {
    expect(centsToUsd(cents)).toBe(usd);
  });

  it('refuses an amount that is not a decimal', () => {
    expect(() => centsToUsd('12,50')).toThrow(/not a decimal amount/);
  });

  it('OpenAI float dollars keep 12 places and no float noise beyond them', () => {
    expect(usdDecimal(0.027000000000000003)).toBe('0.027');
    expect(usdDecimal(12.5)).toBe('12.5');
    expect(usdDecimal(0)).toBe('0');
  });
});
