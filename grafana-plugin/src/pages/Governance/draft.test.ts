import type { PolicyInput } from '@ai-arm/schemas';
import { describeCondition, EMPTY_POLICY, METADATA, policyDraft, policyInput, type ConditionDraft } from './draft';

const condition = (c: Partial<ConditionDraft>): ConditionDraft => ({ ...EMPTY_POLICY.conditions[0], ...c });
const inputOf = (...conditions: ConditionDraft[]) =>
  policyInput({ ...EMPTY_POLICY, name: ' x ', conditions }).conditions;

describe('the policy form draft and the collector body', () => {
  test('values take the type their operator needs: numbers for GT and LT, lists for IN and several detectors', () => {
    expect(
      inputOf(
        condition({ field: 'cost.usd', operator: 'GT', value: ' 1.5 ' }),
        condition({ field: 'tokens.total', operator: 'IN', value: '100, 200,,' }),
        condition({ field: 'model', operator: 'IN', value: 'gpt-4o, 42' }),
        condition({ field: 'request.content', operator: 'DETECTS', value: 'pii.card, secret' }),
        condition({ field: 'request.content', operator: 'DETECTS', value: 'pii' }),
        condition({ field: 'response.content', operator: 'CONTAINS', value: ' password ' }),
        condition({ field: METADATA, metadataKey: ' team ', operator: 'EQUALS', value: 'qa', not: true })
      )
    ).toEqual([
      { field: 'cost.usd', operator: 'GT', value: 1.5 },
      { field: 'tokens.total', operator: 'IN', value: [100, 200] },
      // A model named 42 stays text: only numeric fields get numbers.
      { field: 'model', operator: 'IN', value: ['gpt-4o', '42'] },
      { field: 'request.content', operator: 'DETECTS', value: ['pii.card', 'secret'] },
      { field: 'request.content', operator: 'DETECTS', value: 'pii' },
      { field: 'response.content', operator: 'CONTAINS', value: ' password ' },
      { field: 'metadata.team', operator: 'EQUALS', value: 'qa', not: true },
    ]);
  });

  test('text where a number is due goes as typed, for the collector to name', () => {
    expect(inputOf(condition({ field: 'cost.usd', operator: 'LT', value: 'cheap' }))).toEqual([
      { field: 'cost.usd', operator: 'LT', value: 'cheap' },
    ]);
  });

  test('a saved policy round-trips through the form unchanged (name trimmed, defaults filled)', () => {
    const saved: PolicyInput = {
      name: 'Unapproved model',
      enforcement: 'WARN',
      severity: 'WARNING',
      match: 'any',
      conditions: [
        { field: 'model', operator: 'IN', value: ['gpt-4o', 'claude-haiku-4-5'], not: true },
        { field: 'metadata.env', operator: 'MATCHES', value: '^prod' },
        { field: 'tokens.total', operator: 'GT', value: 20000 },
      ],
    };
    expect(policyInput(policyDraft(saved))).toEqual({ ...saved, description: '', enabled: true });
    expect(policyDraft(saved).conditions[1]).toMatchObject({ field: METADATA, metadataKey: 'env' });
    expect(policyInput({ ...policyDraft(saved), name: '  padded  ' }).name).toBe('padded');
  });

  test('conditions read in words', () => {
    expect(describeCondition({ field: 'model', operator: 'IN', value: ['a', 'b'], not: true })).toBe(
      'NOT model is one of a, b'
    );
    expect(describeCondition({ field: 'cost.usd', operator: 'GT', value: 1 })).toBe('cost.usd greater than 1');
  });
});
