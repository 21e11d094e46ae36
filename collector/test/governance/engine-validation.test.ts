import type { PolicyCondition } from '@ai-arm/schemas';
import { compilePolicy, PolicyDefinitionError, type PolicyDefinition } from '../../src/governance/engine';

const def = (conditions: unknown[], o: Partial<PolicyDefinition> = {}): PolicyDefinition => ({
  id: null,
  name: 'p',
  version: null,
  enforcement: 'BLOCK',
  severity: 'CRITICAL',
  match: 'all',
  conditions: conditions as PolicyCondition[],
  ...o,
});

/** The error compiling throws: its field path and message. */
function refusal(conditions: unknown[], o: Partial<PolicyDefinition> = {}): { field: string; message: string } {
  try {
    compilePolicy(def(conditions, o));
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyDefinitionError);
    return { field: (err as PolicyDefinitionError).field, message: (err as Error).message };
  }
  throw new Error('compiled');
}

const ok: PolicyCondition = { field: 'model', operator: 'EQUALS', value: 'gpt-4o' };

describe('compilePolicy refuses a bad policy, naming the bad part', () => {
  test('an empty condition list', () => {
    expect(refusal([])).toEqual({ field: 'conditions', message: 'a policy needs at least one condition' });
  });

  test('a match that is neither all nor any', () => {
    expect(refusal([ok], { match: 'most' as 'all' }).field).toBe('match');
  });

  test('an unknown field, and metadata without a key', () => {
    const r = refusal([ok, { field: 'request.body', operator: 'CONTAINS', value: 'x' }]);
    expect(r.field).toBe('conditions/1/field');
    expect(r.message).toMatch(/unknown field "request\.body".*request\.content.*metadata\.<key>/);
    expect(refusal([{ field: 'metadata.', operator: 'EQUALS', value: 'x' }]).field).toBe('conditions/0/field');
  });

  test('an unknown operator', () => {
    const r = refusal([{ field: 'model', operator: 'STARTS_WITH', value: 'gpt' }]);
    expect(r).toEqual({ field: 'conditions/0/operator', message: expect.stringContaining('unknown operator "STARTS_WITH"') });
    expect(r.message).toContain('CONTAINS, EQUALS, MATCHES, GT, LT, IN, DETECTS');
  });

  test.each([
    ['GT on text', { field: 'model', operator: 'GT', value: 3 }],
    ['LT on content', { field: 'request.content', operator: 'LT', value: 3 }],
    ['CONTAINS on a number', { field: 'cost.usd', operator: 'CONTAINS', value: '1' }],
    ['MATCHES on a number', { field: 'tokens.total', operator: 'MATCHES', value: '\\d+' }],
    ['DETECTS on a number', { field: 'cost.usd', operator: 'DETECTS', value: 'pii' }],
  ])('an operator that does not fit its field: %s', (_what, c) => {
    const r = refusal([c]);
    expect(r.field).toBe('conditions/0/operator');
    expect(r.message).toContain(`${c.operator} does not apply to ${c.field}`);
  });

  test.each([
    ['GT with text', { field: 'cost.usd', operator: 'GT', value: '1' }, 'conditions/0/value', /GT needs a number, not "1"/],
    ['LT with a list', { field: 'metadata.n', operator: 'LT', value: [1] }, 'conditions/0/value', /LT needs a number, not a list/],
    ['EQUALS text on a number field', { field: 'tokens.total', operator: 'EQUALS', value: 'ten' }, 'conditions/0/value', /EQUALS needs a number/],
    ['EQUALS a number on a text field', { field: 'model', operator: 'EQUALS', value: 4 }, 'conditions/0/value', /EQUALS on model needs text, not 4/],
    ['IN with one value', { field: 'model', operator: 'IN', value: 'gpt-4o' }, 'conditions/0/value', /IN needs a list of values, not "gpt-4o"/],
    ['IN with text for a number field', { field: 'tokens.total', operator: 'IN', value: [1, 'two'] }, 'conditions/0/value/1', /IN on tokens\.total takes numbers, not "two"/],
    ['IN with a number for a text field', { field: 'model', operator: 'IN', value: ['a', 2] }, 'conditions/0/value/1', /takes text, not 2/],
    ['CONTAINS with an empty string', { field: 'model', operator: 'CONTAINS', value: '' }, 'conditions/0/value', /empty string/],
    ['CONTAINS with a number', { field: 'model', operator: 'CONTAINS', value: 5 }, 'conditions/0/value', /CONTAINS on model needs text, not 5/],
    ['DETECTS with a number', { field: 'request.content', operator: 'DETECTS', value: 5 }, 'conditions/0/value', /a detector name or a list of them/],
    ['DETECTS an unknown detector', { field: 'request.content', operator: 'DETECTS', value: ['pii', 'pii.passport'] }, 'conditions/0/value', /unknown detector "pii\.passport": one of .*pii\.card/],
  ])('a value of the wrong type: %s', (_what, c, field, message) => {
    const r = refusal([c]);
    expect(r.field).toBe(field);
    expect(r.message).toMatch(message);
  });

  test.each([
    ['an unclosed group', '(abc', /missing closing \)/],
    ['an unclosed class', '[a-z', /missing closing \]/],
    ['a back-reference RE2 cannot run in linear time', '(a)\\1', /invalid escape sequence/],
    ['a look-ahead', 'foo(?=bar)', /invalid or unsupported Perl syntax/],
  ])('an invalid regular expression: %s', (_what, pattern, reason) => {
    const r = refusal([ok, ok, { field: 'request.content', operator: 'MATCHES', value: pattern }]);
    expect(r.field).toBe('conditions/2/value');
    expect(r.message).toContain(`invalid regular expression ${JSON.stringify(pattern)}`);
    expect(r.message).toMatch(reason);
  });

  test('not that is not a boolean', () => {
    expect(refusal([{ ...ok, not: 'yes' }]).field).toBe('conditions/0/not');
  });
});

describe('MATCHES cannot backtrack catastrophically', () => {
  test('(a+)+$ on a long run of a followed by ! takes linear time', () => {
    const p = compilePolicy(def([{ field: 'request.content', operator: 'MATCHES', value: '(a+)+$' }]));
    const time = (n: number) => {
      const text = `${'a'.repeat(n)}!`;
      const started = process.hrtime.bigint();
      for (let i = 0; i < 5; i++) expect(p.test({ requestContent: text })).toBeNull();
      return Number(process.hrtime.bigint() - started) / 5e6;
    };
    time(1000); // warm up
    const small = time(4_000);
    const large = time(64_000);
    // A backtracking engine takes 2^n steps (it would not finish at 40 characters); RE2 takes n:
    // 16 times the text takes about 16 times as long (a quadratic engine would take 256).
    expect(large).toBeLessThan(200);
    expect(large / Math.max(small, 0.05)).toBeLessThan(128);
  });

  test.each([
    ['(x+x+)+y', 'x'.repeat(20_000)],
    ['(a|a)*b', 'a'.repeat(20_000)],
    ['^(\\w+\\s?)*$', `${'a'.repeat(20_000)}!`],
  ])('%s on its hostile input stays fast', (pattern, text) => {
    const p = compilePolicy(def([{ field: 'request.content', operator: 'MATCHES', value: pattern }]));
    const started = process.hrtime.bigint();
    expect(p.test({ requestContent: text })).toBeNull();
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(200);
  });
});
