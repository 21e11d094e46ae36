import { answerSignals, isRefusal, promptKey, simhash } from '../../src/interactions/answer-signals';
import type { InteractionInput } from '../../src/interactions/interaction';

const ORG = '11111111-1111-4111-8111-111111111111';
const OTHER_ORG = '22222222-2222-4222-8222-222222222222';
const distance = (a: string, b: string) => [...(simhash(a) ^ simhash(b)).toString(2)].filter((c) => c === '1').length;

describe('refusal detection', () => {
  it.each([
    "I'm sorry, but I can't help with that.",
    'I’m sorry, but I can’t assist with that request.',
    "Sorry, I can't help with that.",
    "I can't help with that.",
    'I cannot provide instructions for making weapons.',
    'I can not help with this one.',
    "I won't do that.",
    "I'm unable to help with that request.",
    'I am unable to comply with this request.',
    "I'm not able to provide medical advice.",
    "I'm not going to help with that.",
    'I will not help with that.',
    'Unfortunately, I must decline.',
    'I must respectfully decline this request.',
    'As an AI language model, I cannot browse the internet.',
    'I apologize, but I cannot fulfill this request.',
    "I'm afraid I can't do that.",
    'Sorry, but I cannot help with this.',
    "I'm really sorry, but I am not able to help with that.",
    "I'm sorry, but that's not something I can help with.",
    "I'm sorry, but I'm unable to assist.",
    "**I can't help with that.**",
    "  \n I CAN'T HELP WITH THAT.",
  ])('counts %j', (answer) => {
    expect(isRefusal(answer)).toBe(true);
  });

  it.each([
    'Sure! Here is the recipe.',
    'I can help with that! First, preheat the oven.',
    "I can't wait to help you plan the trip!",
    'I cannot stress enough how important testing is.',
    "I'm sorry to hear that your order was late. Here is a refund.",
    "I'm sorry, but the answer is 4.",
    'Sorry for the delay. The answer is 42.',
    '"I can\'t" is a contraction of "I cannot".',
    "The function returns early because the check fails; I can't see any other reason.",
    '',
  ])('does not count %j', (answer) => {
    expect(isRefusal(answer)).toBe(false);
  });

  it('reads only the opening: a long answer that quotes a refusal later is an answer', () => {
    const long = `Here is the summary you asked for. ${'The quarterly figures rose steadily. '.repeat(10)}One customer wrote: "I'm sorry, but I can't help with that." We followed up.`;
    expect(long.indexOf("I'm sorry")).toBeGreaterThan(300);
    expect(isRefusal(long)).toBe(false);
    // The same sentence at the start is a refusal, however long what follows.
    expect(isRefusal(`I'm sorry, but I can't help with that. ${'Filler. '.repeat(100)}`)).toBe(true);
  });
});

describe('answer simhash', () => {
  const base = 'The capital of France is Paris, a city on the Seine known for the Eiffel Tower, the Louvre and its cafés.';

  it('is the same for the same answer, whatever its case and punctuation', () => {
    expect(simhash(base)).toBe(simhash(base.toUpperCase().replace(/,/g, ' ;')));
    expect(distance(base, base)).toBe(0);
  });

  it('keeps a near answer near and a different one far', () => {
    const near = base.replace('its cafés', 'its many cafés');
    const far = 'To reset your password, open Settings, choose Security, and follow the link sent to your e-mail address.';
    const dNear = distance(base, near);
    const dFar = distance(base, far);
    expect(dNear).toBeGreaterThan(0);
    expect(dNear).toBeLessThanOrEqual(12);
    expect(dFar).toBeGreaterThanOrEqual(20);
    expect(dFar).toBeGreaterThan(2 * dNear);
  });

  it('is 0 for an answer with no words, and fits in 64 bits', () => {
    expect(simhash('... !!! ')).toBe(0n);
    expect(simhash(base) >> 64n).toBe(0n);
    expect(simhash('one')).not.toBe(0n);
  });
});

describe('prompt key', () => {
  it('is the same for the same words whatever the case and spacing', () => {
    expect(promptKey(ORG, 'What is 2+2?')).toBe(promptKey(ORG, '  what\tIS\n\n2+2?  '));
    expect(promptKey(ORG, 'What is 2+2?')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differs for other words, and between organisations for the same words', () => {
    expect(promptKey(ORG, 'What is 2+2?')).not.toBe(promptKey(ORG, 'What is 2+3?'));
    expect(promptKey(ORG, 'What is 2+2?')).not.toBe(promptKey(OTHER_ORG, 'What is 2+2?'));
  });
});

describe('answer signals of an interaction', () => {
  const item = (content?: InteractionInput['content']) => ({ content }) as InteractionInput;

  it('reads a refusal, the length and the hash from the answer; the prompt key, and the hash compared within it, only with capture on', () => {
    const it1 = item({ input: [{ role: 'user', content: 'Delete the database' }], output: "I'm sorry, but I can't help with that." });
    const on = answerSignals(ORG, it1, true);
    expect(on).toEqual({ refusal: 1, output_chars: 38, has_answer: 1, prompt_key: promptKey(ORG, 'Delete the database'), answer_simhash: simhash("I'm sorry, but I can't help with that.").toString() });
    expect(answerSignals(ORG, it1, false)).toEqual({ ...on, prompt_key: '', answer_simhash: '0' });
  });

  it('reads the text of output messages in the OTel shape', () => {
    const s = answerSignals(ORG, item({ output: [{ role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }] }] }), true);
    expect(s).toMatchObject({ refusal: 0, output_chars: 6, has_answer: 1, prompt_key: '' });
  });

  it('has no answer without output, or with an empty one', () => {
    const none = { refusal: 0, output_chars: 0, has_answer: 0, prompt_key: '', answer_simhash: '0' };
    expect(answerSignals(ORG, item(undefined), true)).toEqual(none);
    expect(answerSignals(ORG, item({ input: 'hi' }), true)).toEqual(none);
    expect(answerSignals(ORG, item({ input: 'hi', output: '' }), true)).toEqual(none);
  });
});
