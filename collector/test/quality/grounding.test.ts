import { checkByRules } from '../../src/quality/grounding/check-rules';
import { splitClaims } from '../../src/quality/grounding/claims';
import { responseOf, sourcesOf } from '../../src/quality/grounding/context';
import { datesAgree, factsOf, numbersAgree } from '../../src/quality/grounding/facts';
import { sampled } from '../../src/quality/grounding/service';
import { flaggedOf, scoreOf, verdictOf } from '../../src/quality/grounding/verdict';
import type { InteractionInput } from '../../src/interactions/interaction';

const SOURCE = [
  'Acme Robotics was founded in 2011 by Priya Raman in Austin, Texas. The company employs 1,250 people across four offices.',
  'In 2023 it reported revenue of $48.2 million, up 12% from the year before. The Harvester arm shipped on 2019-03-15.',
];
const one = (claim: string, sources = SOURCE) => {
  const [c] = checkByRules(claim, sources);
  return c!;
};

describe('claims', () => {
  it('cuts sentences and clauses with exact UTF-16 offsets, through emoji, abbreviations and decimals', () => {
    const response = '😀 Dr. Smith paid $3.50 for it. Acme grew 12% in 2023; its staff rose to 1,250 people.\n- The U.S. office opened in May.\nHope this helps!';
    const claims = splitClaims(response);
    expect(claims.map((c) => c.text)).toEqual(['😀 Dr. Smith paid $3.50 for it.', 'Acme grew 12% in 2023', 'its staff rose to 1,250 people.', 'The U.S. office opened in May.']);
    for (const c of claims) expect(response.slice(c.start, c.end)).toBe(c.text);
    // The emoji is two code units: offsets count code units, as JavaScript indexes strings.
    expect(claims[1]!.start).toBe(response.indexOf('Acme'));
  });

  it('leaves out questions, courtesies and fragments without a figure', () => {
    expect(splitClaims('Would you like more detail? Thanks! Sure. Paris is the capital of France.').map((c) => c.text)).toEqual(['Paris is the capital of France.']);
    expect(splitClaims('')).toEqual([]);
  });
});

describe('facts', () => {
  it('reads numbers however they are written', () => {
    const n = (t: string) => factsOf(t).numbers[0]!;
    expect(numbersAgree(n('1,000 people'), n('1000 people'))).toBe(true);
    expect(numbersAgree(n('$2.5 million'), n('$2,500,000'))).toBe(true);
    expect(n('5 percent').unit).toBe('%');
    expect(numbersAgree(n('3.2 million users'), n('3,184,000 users'))).toBe(true);
    expect(numbersAgree(n('3.2 million users'), n('3,400,000 users'))).toBe(false);
  });

  it('normalises dates from the common formats, ambiguous numeric dates both ways', () => {
    const d = (t: string) => factsOf(t).dates[0]!;
    expect(datesAgree(d('on March 15, 2024'), d('on 2024-03-15'))).toBe(true);
    expect(datesAgree(d('on 15 March 2024'), d('on 15/03/2024'))).toBe(true);
    expect(datesAgree(d('on 03/04/2024'), d('on April 3, 2024'))).toBe(true);
    expect(datesAgree(d('on 03/04/2024'), d('on March 4, 2024'))).toBe(true);
    expect(datesAgree(d('on 15 March 2024'), d('on 16 March 2024'))).toBe(false);
    // "2000 employees" counts people; "in 2000" is a year.
    expect(factsOf('It has 2000 employees.').dates).toEqual([]);
    expect(factsOf('It opened in 2000.').dates[0]!.year).toBe(2000);
  });
});

describe('the rules checker', () => {
  it('supports a claim whose number is written differently', () => {
    const c = one('Acme has 1250 employees.');
    expect(c.status).toBe('SUPPORTED');
    expect(c.evidence).toEqual({ source: 0, start: expect.any(Number), end: expect.any(Number) });
    expect(SOURCE[0]!.slice(c.evidence!.start, c.evidence!.end)).toContain('1,250 people');
  });

  it('contradicts a different number about the same thing, naming what the source says', () => {
    const c = one('Revenue in 2023 was $52 million.');
    expect(c.status).toBe('CONTRADICTED');
    expect(c.reason).toContain('$48.2 million');
    expect(c.evidence!.source).toBe(1);
    expect(c.confidence).toBeGreaterThanOrEqual(0.7);
  });

  it('supports and contradicts dates across formats', () => {
    expect(one('The Harvester arm shipped on March 15, 2019.').status).toBe('SUPPORTED');
    expect(one('The Harvester arm shipped on 15 June 2019.').status).toBe('CONTRADICTED');
    expect(one('Acme Robotics was founded in 2011.').status).toBe('SUPPORTED');
    expect(one('Acme Robotics was founded in 2009.').status).toBe('CONTRADICTED');
  });

  it('contradicts a name the sources replace, and supports one they give', () => {
    expect(one('Priya Raman founded the company in Austin.').status).toBe('SUPPORTED');
    const c = one('John Smith founded Acme Robotics in 2011.');
    expect(c.status).toBe('CONTRADICTED');
    expect(c.reason).toContain('priya raman');
  });

  it('flags what the sources never say as UNSUPPORTED, without evidence', () => {
    const c = one('Acme Robotics holds 40 patents on gripper design.');
    expect(c.status).toBe('UNSUPPORTED');
    expect(c.evidence).toBeNull();
    expect(one('The company is planning an office in Singapore.').status).toBe('UNSUPPORTED');
  });

  it('contradicts a negation of what the source states', () => {
    const src = ['Python 3.0 was not backward compatible with Python 2.'];
    expect(one('Python 3.0 was backward compatible with Python 2.', src).status).toBe('CONTRADICTED');
    expect(one('Python 3.0 was not backward compatible with Python 2.', src).status).toBe('SUPPORTED');
    // "no", "none", "nothing" and "without" negate too; both sides negated, in other words, agree.
    expect(one('There is no setup fee.', ['There is a setup fee.']).status).toBe('CONTRADICTED');
    expect(one('None of the orders were shipped.', ['All of the orders were shipped.']).status).toBe('CONTRADICTED');
    expect(one('Refunds are not given after 30 days.', ['No refunds are given after 30 days.']).status).toBe('SUPPORTED');
  });

  it('never takes a number in one unit of measure for the same number in another', () => {
    for (const [claim, source] of [
      ['Delivery takes 15 minutes.', 'Delivery takes 15 hours.'],
      ['The office is 5 km from the station.', 'The office is 5 miles from the station.'],
      ['Returns are accepted for 14 days.', 'Returns are accepted for 14 weeks.'],
      ['The plan includes 2 TB of storage.', 'The plan includes 2 GB of storage.'],
    ]) expect({ claim, status: one(claim!, [source!]).status }).toEqual({ claim, status: expect.not.stringMatching(/^SUPPORTED$/) });
    expect(one('Delivery takes 15 minutes.', ['Delivery takes 15 minutes.']).status).toBe('SUPPORTED');
    expect(one('The company has 1,200 employees.', ['The company has 1,200 staff.']).status).toBe('SUPPORTED');
  });

  it('reads a minus sign: -5 degrees is not 5 degrees', () => {
    expect(one('The temperature was -5 degrees.', ['The temperature was 5 degrees.']).status).toBe('CONTRADICTED');
    expect(one('The balance is \u2212200 dollars.', ['The balance is 200 dollars.']).status).toBe('CONTRADICTED');
    expect(one('The temperature was -5 degrees.', ['The temperature was -5 degrees.']).status).toBe('SUPPORTED');
    // A hyphen inside a name is still no sign: GPT-4 is a model, not minus four.
    expect(one('The answer came from GPT-4.', ['The answer came from GPT-4.']).status).toBe('SUPPORTED');
  });
});

describe('verdicts', () => {
  const claim = (status: 'SUPPORTED' | 'CONTRADICTED' | 'UNSUPPORTED', confidence = 0.9) => ({ text: 'x', start: 0, end: 1, status, reason: 'r', confidence, evidence: null });
  it('CLEAN when everything is supported or there is nothing to check', () => {
    expect(verdictOf([claim('SUPPORTED'), claim('SUPPORTED')])).toBe('CLEAN');
    expect(verdictOf([])).toBe('CLEAN');
    expect(scoreOf([])).toBe(0);
  });
  it('SUSPICIOUS for an unsupported claim among many, HALLUCINATION for a sure contradiction or much unsupported', () => {
    expect(verdictOf([claim('SUPPORTED'), claim('SUPPORTED'), claim('SUPPORTED'), claim('UNSUPPORTED', 0.6)])).toBe('SUSPICIOUS');
    expect(verdictOf([claim('SUPPORTED'), claim('SUPPORTED'), claim('SUPPORTED'), claim('CONTRADICTED', 0.8)])).toBe('HALLUCINATION');
    expect(verdictOf([claim('UNSUPPORTED'), claim('SUPPORTED')])).toBe('HALLUCINATION');
    expect(scoreOf([claim('UNSUPPORTED', 0.8), claim('SUPPORTED')])).toBe(0.4);
  });
  it('lists the flagged claims with their offsets and corrections', () => {
    const response = 'Acme Robotics was founded in 2009. It employs 1,250 people.';
    const flagged = flaggedOf(checkByRules(response, SOURCE));
    expect(flagged).toEqual([{ claim: 'Acme Robotics was founded in 2009.', startIndex: 0, endIndex: 34, reason: expect.stringContaining('2011'), confidence: expect.any(Number), suggestedCorrection: '2011' }]);
  });
});

describe('retrieved context of a pushed interaction', () => {
  const item = (content: InteractionInput['content'], system?: string): InteractionInput => ({
    id: 'i1', source: 'api', agent: { id: 'a' }, provider: 'openai', operation: 'chat', requestModel: 'gpt-4o', startedAtMs: 0, durationMs: 1, tokens: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 }, status: 'ok', content, ...(system ? { systemInstructions: system } : {}),
  });
  it('takes tool results, tool_call_response parts and fenced documents, never the user\'s words', () => {
    const i = item(
      {
        input: [
          { role: 'user', parts: [{ type: 'text', content: 'When was Acme founded? <document>Acme was founded in 2011.</document>' }] },
          { role: 'assistant', parts: [{ type: 'tool_call', id: 't1', name: 'search', arguments: { q: 'acme' } }] },
          { role: 'tool', parts: [{ type: 'tool_call_response', id: 't1', response: { hits: ['Acme employs 1,250 people.'] } }] },
          { role: 'tool', content: 'Revenue was $48.2 million.' },
        ],
        output: [{ role: 'assistant', parts: [{ type: 'text', content: 'Acme was founded in 2011.' }] }],
      },
      'Answer from <context>Acme is in Austin.</context>',
    );
    expect(sourcesOf(i)).toEqual(['Acme is in Austin.', 'Acme was founded in 2011.', '{"hits":["Acme employs 1,250 people."]}', 'Revenue was $48.2 million.']);
    expect(responseOf(i)).toBe('Acme was founded in 2011.');
    expect(sourcesOf(item({ input: [{ role: 'user', parts: [{ type: 'text', content: 'Acme was founded in 2011, right?' }] }], output: 'Yes.' }))).toEqual([]);
  });

  it('samples by a hash of the interaction id: the same id always the same way, near the rate overall', () => {
    const org = '00000000-0000-4000-8000-000000000001';
    expect(sampled(org, 'x', 0)).toBe(false);
    expect(sampled(org, 'x', 1)).toBe(true);
    const ids = Array.from({ length: 4000 }, (_, i) => `id-${i}`);
    const taken = ids.filter((id) => sampled(org, id, 0.25));
    expect(taken.length / ids.length).toBeGreaterThan(0.22);
    expect(taken.length / ids.length).toBeLessThan(0.28);
    expect(ids.filter((id) => sampled(org, id, 0.25))).toEqual(taken);
  });
});
