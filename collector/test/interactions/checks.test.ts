import type { InteractionInput } from '../../src/interactions/interaction';
import { rejectionOf } from '../../src/interactions/pipeline';

const NOW = Date.UTC(2026, 11, 6, 12);
const ok: InteractionInput = {
  id: 'a',
  source: 'otlp',
  agent: { serviceName: 'svc' },
  provider: 'openai',
  operation: 'chat',
  requestModel: 'gpt-4o',
  startedAtMs: NOW - 1000,
  durationMs: 12.5,
  tokens: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 },
  status: 'ok',
};

describe('the pipeline\'s check of each interaction (what OTLP maps arrive with, unchecked by a schema)', () => {
  it('takes a well-formed interaction', () => {
    expect(rejectionOf(ok, NOW)).toBeNull();
  });

  it.each<[string, Partial<InteractionInput>, RegExp]>([
    ['an empty id', { id: '' }, /id/],
    ['an id over 256 characters', { id: 'x'.repeat(257) }, /id/],
    ['no agent, agent name or service name', { agent: {} }, /agent/],
    ['no provider', { provider: '' }, /provider/],
    ['no model', { requestModel: '' }, /model/],
    ['a model name over 255 characters', { requestModel: 'm'.repeat(256) }, /model/],
    ['a start in seconds instead of milliseconds', { startedAtMs: NOW / 1000 }, /before 2020/],
    ['a start not a number', { startedAtMs: Number.NaN }, /start/],
    ['a start two days ahead', { startedAtMs: NOW + 2 * 86_400_000 }, /future/],
    ['a negative latency', { durationMs: -1 }, /latency/],
    ['a negative time to first token', { timeToFirstTokenMs: -5 }, /first token/],
    ['a fractional token count', { tokens: { input: 1.5, output: 0, cacheRead: 0, cacheWrite: 0 } }, /tokens.input/],
    ['a negative token count', { tokens: { input: 1, output: -2, cacheRead: 0, cacheWrite: 0 } }, /tokens.output/],
    ['an unknown status', { status: 'maybe' as 'ok' }, /status/],
  ])('refuses %s, saying why', (_what, change, reason) => {
    expect(rejectionOf({ ...ok, ...change }, NOW)).toMatch(reason);
  });
});
