import type { QualityPoint } from '@ai-arm/schemas';
import { answerText } from './DriftDetail';
import { feedbackInput } from './FeedbackForm';
import { alertFigures } from './figures';
import { groundingRequest } from './CheckResponse';
import { changes, draftOf, invalid, SETTING_FIELDS } from './settingFields';
import { versionStarts } from './TrendChart';
import { windowRange } from './window';

const SETTINGS = {
  baselineHours: 168,
  currentHours: 24,
  sigma: 3,
  psi: 0.25,
  minSamples: 30,
  errorRateThreshold: 0.05,
  groundingFailureThreshold: 0.2,
  groundingSampleRate: 0.05,
};
const field = (key: string) => SETTING_FIELDS.find((f) => f.key === key)!;

describe('what the forms send', () => {
  test('feedback: only what was filled in; nothing at all (or only a request id) is nothing to send', () => {
    const empty = { rating: null, label: null, comment: '', interactionId: '' };
    expect(feedbackInput(empty)).toBeNull();
    expect(feedbackInput({ ...empty, comment: '   ', interactionId: 'req-1' })).toBeNull();
    expect(feedbackInput({ ...empty, rating: 2, comment: ' slow ', interactionId: ' req-1 ' })).toEqual({
      rating: 2,
      comment: 'slow',
      interactionId: 'req-1',
    });
    expect(feedbackInput({ ...empty, label: 'not_completed' })).toEqual({ label: 'not_completed' });
  });

  test('a response check: blank sources dropped, an empty request id not sent', () => {
    expect(groundingRequest('It is 5.', ['', 'It is 4.', '  '], 'rules', ' ')).toEqual({
      response: 'It is 5.',
      sources: ['It is 4.'],
      judge: 'rules',
    });
    expect(groundingRequest('x', ['y'], 'auto', 'req-9').interactionId).toBe('req-9');
  });

  test('settings: bounds and whole numbers as the collector checks them; only changed values are sent', () => {
    expect(invalid(field('minSamples'), '4')).toBe('From 5 to 100000');
    expect(invalid(field('minSamples'), '30.5')).toBe('A whole number');
    expect(invalid(field('sigma'), '2.5')).toBeNull();
    expect(invalid(field('sigma'), '')).toBe('A number');
    expect(invalid(field('errorRateThreshold'), '1.01')).toBe('Above 0, up to 1');
    expect(invalid(field('errorRateThreshold'), '0')).toBe('Above 0, up to 1');
    expect(invalid(field('groundingFailureThreshold'), '0.2')).toBeNull();
    const draft = draftOf(SETTINGS);
    expect(changes(draft, SETTINGS)).toEqual({});
    expect(changes({ ...draft, sigma: '3.0', psi: '0.3' }, SETTINGS)).toEqual({ psi: 0.3 });
    // One invalid value holds the whole patch back.
    expect(changes({ ...draft, psi: '0.3', minSamples: '2' }, SETTINGS)).toEqual({});
  });
});

describe('reading what the collector sent', () => {
  test("an alert's figures: a drift alert's in σ or PSI as its test measured, the others in the metric's unit", () => {
    const alert = (type: string, metric: string, actualValue: number, threshold: number, message = '') => ({ type, metric, actualValue, threshold, message });
    expect(alertFigures(alert('DRIFT', 'latency', 273.4, 3, 'latency drifted up (273.4 σ): 110 in the baseline, 2110 now'))).toBe('+273.4 σ / 3.0 σ');
    expect(alertFigures(alert('DRIFT', 'error_rate', -4.2, 3, 'error_rate drifted down (-4.2 σ): ...'))).toBe('-4.2 σ / 3.0 σ');
    expect(alertFigures(alert('DRIFT', 'answer_embedding', 0.412, 0.25, 'answer_embedding drifted (PSI 0.41): ...'))).toBe('PSI 0.41 / 0.25');
    expect(alertFigures(alert('ERROR_RATE', 'error_rate', 0.125, 0.05))).toBe('13% / 5.0%');
  });

  const point = (at: string, version: number | null): QualityPoint => ({
    at,
    version,
    requests: 1,
    latencyP95Ms: 1,
    errorRate: 0,
    refusalRate: null,
    tokensPerRequest: 1,
    outputLength: null,
  });

  test('version marks: where each version first appears, in time order, whatever order the points come in', () => {
    const points = [
      point('2026-01-03T00:00:00Z', 2),
      point('2026-01-01T00:00:00Z', 1),
      point('2026-01-02T00:00:00Z', 1),
      point('2026-01-02T00:00:00Z', 2),
      point('2026-01-04T00:00:00Z', 1),
    ];
    expect(versionStarts(points)).toEqual([
      { version: 1, at: '2026-01-01T00:00:00Z' },
      { version: 2, at: '2026-01-02T00:00:00Z' },
    ]);
    expect(versionStarts([point('2026-01-01T00:00:00Z', null)])).toEqual([
      { version: null, at: '2026-01-01T00:00:00Z' },
    ]);
  });

  test('an answer as text: a string, GenAI output messages with parts, or none kept', () => {
    expect(answerText(null)).toBeNull();
    expect(answerText({ input: 'q' })).toBeNull();
    expect(answerText({ output: 'plain' })).toBe('plain');
    expect(
      answerText({
        output: [
          {
            role: 'assistant',
            parts: [
              { type: 'text', content: 'first' },
              { type: 'text', content: 'second' },
            ],
          },
        ],
      })
    ).toBe('first\nsecond');
    expect(answerText({ output: [{ foo: 1 }] })).toBe('[{"foo":1}]');
  });

  test('a window ends at the moment it is chosen and reaches back its length', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(windowRange('24h', now)).toEqual({
      key: '24h',
      from: '2026-02-28T12:00:00.000Z',
      to: '2026-03-01T12:00:00.000Z',
    });
    expect(windowRange('30d', now).from).toBe('2026-01-30T12:00:00.000Z');
  });
});
