import { AgentTraffic, demoAgents, seededRng } from '../../src/simulator/agent-traffic';
import { spanAttributes } from '../../src/simulator/agent-push';
import { createState } from '../../src/simulator/state';
import { isRefusal } from '../../src/interactions/answer-signals';

const NOW = Date.UTC(2026, 10, 20, 12);

/** The demo agents' answers: what the quality figures, grounding checks and answer drift read in demo mode. */
describe('demo answers (the simulated agents answer, some from a retrieved result)', () => {
  const state = createState({ agents: 20, now: NOW / 1000 });
  const traffic = new AgentTraffic(demoAgents(state.world), seededRng('answers'));
  const out = Array.from({ length: 4000 }, (_, i) => traffic.next(NOW + i * 300)!);
  const ok = out.filter((r) => r.status === 'ok');

  it('every answered request has an answer, no failed one has; some declined, a few percent', () => {
    expect(ok.every((r) => typeof r.answer === 'string' && r.answer.length > 0)).toBe(true);
    expect(out.filter((r) => r.status === 'error' && r.answer !== undefined)).toEqual([]);
    const refused = ok.filter((r) => isRefusal(r.answer!)).length / ok.length;
    expect(refused).toBeGreaterThan(0.02);
    expect(refused).toBeLessThan(0.15);
  });

  it('about half rest on a retrieved result; most answers agree with it and some state what it does not', () => {
    const grounded = ok.filter((r) => r.retrieved);
    expect(grounded.length / ok.length).toBeGreaterThan(0.3);
    expect(grounded.length / ok.length).toBeLessThan(0.7);
    // The date, amount or plan an answer names, missing from its retrieved result, is the off-source part.
    const offSource = grounded.filter((r) => (r.answer!.match(/\d{1,2} December 2026|\$\d+\.\d\d|Business plan/g) ?? []).some((fact) => !r.retrieved!.includes(fact.replace(' plan', ''))));
    expect(offSource.length / grounded.length).toBeGreaterThan(0.05);
    expect(offSource.length / grounded.length).toBeLessThan(0.4);
  });

  it('the span carries the answer as gen_ai.output.messages and the retrieved result as a tool message', () => {
    const r = ok.find((x) => x.retrieved)!;
    const a = spanAttributes(r);
    expect(JSON.parse(String(a['gen_ai.output.messages']))).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: r.answer }], finish_reason: r.finishReason }]);
    expect(JSON.parse(String(a['gen_ai.input.messages']))[1]).toEqual({ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_lookup', response: r.retrieved }] });
    const failed = out.find((x) => x.status === 'error')!;
    expect(spanAttributes(failed)['gen_ai.output.messages']).toBeUndefined();
  });
});
