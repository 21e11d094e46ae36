import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { splitClaims } from '../../src/quality/grounding/claims';
import { askJudge, JudgeError, judgeByModel, judgePrompt, JUDGE_MARKER, parseJudgement, type JudgeTarget } from '../../src/quality/grounding/judge';
import { chatSimulators } from '../support/chat-simulators';

const SOURCES = ['Acme Robotics was founded in 2011 by Priya Raman. The company employs 1,250 people.'];
const RESPONSE = 'Acme Robotics was founded in 2011. The company employs 2,500 people. Acme has an office in Singapore.';

/** The judge's prompts, through the vendors' own SDKs, answered by the simulator's chat endpoints. */
describe('the LLM judge against the simulator', () => {
  const chat = chatSimulators();
  const { openai, anthropic } = chat;

  it.each([
    ['OpenAI chat completions', () => openai()],
    ['Anthropic messages', () => anthropic()],
  ])('judges each claim through %s', async (_name, target) => {
    const claims = splitClaims(RESPONSE);
    const judged = await judgeByModel(target(), claims, SOURCES);
    expect([...judged.keys()]).toEqual([0, 1, 2]);
    expect(judged.get(0)).toMatchObject({ status: 'SUPPORTED', confidence: 0.8 });
    // The simulator quotes the sentence it relied on; the judge turns it into offsets in that source.
    const e = judged.get(0)!.evidence!;
    expect(SOURCES[0]!.slice(e.start, e.end)).toBe('Acme Robotics was founded in 2011 by Priya Raman.');
    expect(judged.get(1)!.status).toBe('CONTRADICTED');
    expect(judged.get(2)).toMatchObject({ status: 'UNSUPPORTED', reason: expect.stringContaining('singapore'), evidence: null });
  });

  it('serves the SDKs a canned answer to anything that is not a grounding request, and checks their keys', async () => {
    const oa = new OpenAI({ apiKey: chat.sim.state.opts.keys.openaiAdmin, baseURL: chat.sim.openaiBaseUrl, maxRetries: 0 });
    const completion = await oa.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello' }] });
    expect(completion.choices[0]!.message.content).toContain('vendor simulator');
    expect(completion.usage!.total_tokens).toBeGreaterThan(0);
    const an = new Anthropic({ apiKey: chat.sim.state.opts.keys.anthropicAdmin, baseURL: chat.sim.anthropicBaseUrl, maxRetries: 0 });
    // Anthropic's messages route is also the inventory's health probe: a known model, a canned "pong".
    const msg = await an.messages.create({ model: 'claude-haiku-4-5-20251001', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }] });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'pong' });
    await expect(new OpenAI({ apiKey: 'sk-wrong', baseURL: chat.sim.openaiBaseUrl, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 401 });
    await expect(new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: chat.sim.anthropicBaseUrl, maxRetries: 0 }).messages.create({ model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 401 });
    await expect(an.messages.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming)).rejects.toMatchObject({ status: 400 });
  });

  it('refuses a reply it cannot read, a wrong key and a timeout with a JudgeError that names why and never the key', async () => {
    const claims = splitClaims(RESPONSE);
    await expect(judgeByModel(openai(chat.sim, 'gpt-4o-unparseable'), claims, SOURCES)).rejects.toThrow(/not JSON/);
    await expect(judgeByModel(anthropic(chat.sim, 'claude-unparseable'), claims, SOURCES)).rejects.toBeInstanceOf(JudgeError);
    const wrong = { ...openai(), apiKey: 'sk-admin-wrongwrongwrongwrong1234' };
    const err = (await judgeByModel(wrong, claims, SOURCES).catch((e: Error) => e)) as Error;
    expect(err).toBeInstanceOf(JudgeError);
    expect(err.message).toMatch(/401/);
    expect(err.message).not.toContain(wrong.apiKey);
    await expect(judgeByModel(openai(chat.slow), claims, SOURCES, 300)).rejects.toThrow(/did not answer within 300 ms/);
  });

  it('reads replies defensively: fenced JSON, unknown ids, bad statuses and confidences out of range', () => {
    const claims = splitClaims(RESPONSE);
    const text = '```json\n{"claims":[{"id":0,"status":"supported","confidence":7,"source":0,"quote":"The company employs 1,250 people."},{"id":9,"status":"SUPPORTED"},{"id":1,"status":"MAYBE"},{"id":2,"status":"CONTRADICTED","reason":"","correction":"no office is named"}]}\n```';
    const judged = parseJudgement(text, claims, SOURCES);
    expect([...judged.keys()]).toEqual([0, 2]);
    expect(judged.get(0)).toMatchObject({ status: 'SUPPORTED', confidence: 1, evidence: { source: 0, start: SOURCES[0]!.indexOf('The company'), end: SOURCES[0]!.length } });
    expect(judged.get(2)).toMatchObject({ status: 'CONTRADICTED', reason: 'the evaluator found it contradicted', suggestedCorrection: 'no office is named' });
    expect(() => parseJudgement('{"verdict":"fine"}', claims, SOURCES)).toThrow(/no "claims" list/);
    expect(() => parseJudgement('{"claims":[{"id":5,"status":"SUPPORTED"}]}', claims, SOURCES)).toThrow(/none of the claims/);
  });

  it('marks its prompt so the simulator knows it, and cuts long sources to the budget', async () => {
    const claims = splitClaims('Acme was founded in 2011.');
    const prompt = judgePrompt(claims, ['x'.repeat(150_000), 'y'.repeat(10)]);
    expect(prompt.user.startsWith(JUDGE_MARKER)).toBe(true);
    expect(prompt.user).toContain('long sources were cut');
    expect(prompt.user.length).toBeLessThan(110_000);
    const text = await askJudge(openai(), judgePrompt(claims, SOURCES));
    expect(JSON.parse(text)).toEqual({ claims: [expect.objectContaining({ id: 0, status: 'SUPPORTED' })] });
  });
});
