import { EXTRACT_MARKER, ExtractorError, extractByModel, extractionPrompt, parseExtraction, TURN_BUDGET, type ExtractorTarget } from '../../src/context/extract/llm';
import type { Turn } from '../../src/context/extract/turns';
import { chatSimulators } from '../support/chat-simulators';

const TURNS: Turn[] = [
  { role: 'user', text: 'Hi, my name is Dana. I live in Lisbon. Please answer in French and keep it short.' },
  { role: 'assistant', text: 'Bien sûr. Always happy to help.' },
  { role: 'user', text: 'Never mention competitors. My order number is 4471 and I want a refund.' },
];

/** The extractor's prompts, through the vendors' own SDKs, answered by the simulator's naive extractor. */
describe('the LLM extractor against the simulator', () => {
  const chat = chatSimulators();
  const { openai, anthropic } = chat;

  it.each([
    ['OpenAI chat completions', () => openai()],
    ['Anthropic messages', () => anthropic()],
  ])('extracts the items of the user turns through %s', async (_name, target) => {
    const items = await extractByModel(target(), TURNS);
    expect(items.map((i) => [i.type, i.content, i.key])).toEqual([
      ['FACT', 'User is called Dana', null],
      ['FACT', 'User lives in Lisbon', null],
      ['PREFERENCE', 'Reply in French', 'language'],
      ['PREFERENCE', 'Reply briefly', 'response_length'],
      ['INSTRUCTION', 'Never mention competitors', 'mention'],
      ['FACT', "User's order is 4471", null],
      ['INTENT', 'User asks for a refund', null],
    ]);
    // The answer's "Always happy to help" is not the user's: the simulator reads user turns only.
    expect(items.every((i) => i.confidence > 0 && i.confidence <= 1)).toBe(true);
  });

  it('refuses a reply it cannot read, a wrong key and a timeout with an ExtractorError that names why and never the key', async () => {
    await expect(extractByModel(openai(chat.sim, 'gpt-4o-unparseable'), TURNS)).rejects.toThrow(/the extractor's reply is not JSON/);
    await expect(extractByModel(anthropic(chat.sim, 'claude-unparseable'), TURNS)).rejects.toBeInstanceOf(ExtractorError);
    const wrong = { ...openai(), apiKey: 'sk-admin-wrongwrongwrongwrong1234' };
    const err = (await extractByModel(wrong, TURNS).catch((e: Error) => e)) as Error;
    expect(err).toBeInstanceOf(ExtractorError);
    expect(err.message).toMatch(/^the extractor failed: 401/);
    expect(err.message).not.toContain(wrong.apiKey);
    await expect(extractByModel(openai(chat.slow), TURNS, 300)).rejects.toThrow(/the extractor did not answer within 300 ms/);
    // Nothing to read: no call at all.
    expect(await extractByModel(wrong, [])).toEqual([]);
  });

  it('reads replies defensively: fenced JSON, unknown types, empty content, keys only on preferences and instructions', () => {
    const text = '```json\n{"items":[{"type":"preference","content":" Answer  in French ","key":"Language","confidence":4,"tags":["language","language",7]},{"type":"OPINION","content":"x"},{"type":"FACT","content":""},{"type":"FACT","content":"User lives in Oslo","key":"location"},"junk"]}\n```';
    expect(parseExtraction(text)).toEqual([
      { type: 'PREFERENCE', content: 'Answer in French', key: 'language', confidence: 1, tags: ['language'] },
      { type: 'FACT', content: 'User lives in Oslo', key: null, confidence: 0.7, tags: [] },
    ]);
    expect(parseExtraction('{"items":[]}')).toEqual([]);
    expect(() => parseExtraction('{"facts":[]}')).toThrow(/no "items" list/);
    expect(() => parseExtraction('I think they like French.')).toThrow(ExtractorError);
  });

  it('marks its prompt so the simulator knows it, and keeps the latest turns within the budget', () => {
    const prompt = extractionPrompt(TURNS);
    expect(prompt.user.startsWith(EXTRACT_MARKER)).toBe(true);
    expect(prompt.user).toContain('"Never mention competitors.');
    const long = extractionPrompt([{ role: 'user', text: 'a'.repeat(TURN_BUDGET) }, { role: 'user', text: 'Call me Sam.' }]);
    expect(long.user).toContain('earlier turns were left out');
    expect(long.user).toContain('Call me Sam.');
    expect(long.user).not.toContain('aaaa');
  });
});
