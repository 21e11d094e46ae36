import fc from 'fast-check';
import { RE2JS } from 're2js';
import { compilePolicy } from '../../src/governance/engine';
import { prefilterOf } from '../../src/governance/engine/prefilter';
import { LiteralScreen } from '../../src/governance/engine/screen';

/** What the engine does: the filter on the (lower-cased) text first, RE2 only if it lets the text through. */
const filtered = (pattern: string) => {
  const re = RE2JS.compile(pattern);
  const f = prefilterOf(pattern, re);
  return {
    re,
    f,
    mayMatch: (text: string) => {
      const read = f?.folded ? text.toLowerCase() : text;
      return !f || f.mayMatch((l) => read.includes(l));
    },
  };
};

// Patterns of literals (some of letters that fold to non-ASCII: k, s), classes, anchors and quantifiers, with flags; short texts of the same letters.
const atom = fc.oneof(
  fc.constantFrom('ab', 'Ab', 'cd', 'x', 'sk', 'K', 'S', 'ſ', '-', '\\.', '\\d', '\\w', '\\s', '[a-c]', '[^a]', '[A-Z]', '.', '\\b', '^', '$'),
  fc.stringMatching(/^[a-dA-DskSK]{1,3}$/),
);
const quantified = fc.tuple(atom, fc.constantFrom('', '', '', '*', '+', '?', '{2}', '{1,3}')).map(([a, q]) => (q && (a === '\\b' || a === '^' || a === '$') ? a : a + q));
const sequence = fc.array(quantified, { minLength: 1, maxLength: 4 }).map((xs) => xs.join(''));
const alternation = fc.array(sequence, { minLength: 1, maxLength: 3 }).map((xs) => (xs.length === 1 ? xs[0]! : `(${xs.join('|')})`));
const patterns = fc.tuple(fc.constantFrom('', '(?i)', '(?i)', '(?s)', '(?is)', '(?m)'), fc.array(alternation, { minLength: 1, maxLength: 3 })).map(([flags, xs]) => flags + xs.join(''));
const texts = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'A', 'B', 'C', 'D', 's', 'S', 'ſ', 'k', 'K', '\u212A', ' ', '-', '.', '1', '\n', 'İ'), { maxLength: 24 }).map((xs) => xs.join(''));

describe('MATCHES prefilter', () => {
  test('rules out texts without the literals a pattern requires, in either case for (?i)', () => {
    const p = filtered('(?i)\\b(confidential|internal only)\\b');
    expect(p.f).not.toBeNull();
    expect(p.mayMatch('a quarterly report')).toBe(false);
    expect(p.mayMatch('this is CONFIDENTIAL.')).toBe(true);
    expect(p.mayMatch('Internal Only')).toBe(true);
    const q = filtered('\\b(SEC|INC)-\\d{4,6}\\b');
    expect(q.mayMatch('see INC-12345')).toBe(true);
    expect(q.mayMatch('see inc-12345')).toBe(false);
  });

  test('builds none where a pattern requires no literal or switches flags inside', () => {
    for (const pattern of ['\\d{12,19}', '[a-z]+[0-9]+', 'a|\\d', 'x(?i)abc', '(?i:abc)def', '(?i)é'])
      expect([pattern, prefilterOf(pattern, RE2JS.compile(pattern))]).toEqual([pattern, null]);
  });

  test('a long s or a Kelvin sign, which case-insensitive matching folds to s and k, is never ruled out', () => {
    for (const [pattern, text] of [['(?i)password', 'paſſword'], ['(?i)kestrel', '\u212Aestrel'], ['(?i)mask', 'MAſK']] as const) {
      const p = filtered(pattern);
      expect([pattern, p.re.test(text), p.mayMatch(text)]).toEqual([pattern, true, true]);
    }
  });

  test('never rules out a text the pattern matches (random patterns and texts)', () => {
    let filteredOut = 0;
    fc.assert(
      fc.property(patterns, fc.array(texts, { minLength: 1, maxLength: 8 }), (p, ts) => {
        const f = filtered(p);
        for (const t of ts) {
          const may = f.mayMatch(t);
          if (!may) filteredOut++;
          if (f.re.test(t) && !may) return false;
        }
        return true;
      }),
      { numRuns: 3000 },
    );
    // The property means something only if the filter rules texts out.
    expect(filteredOut).toBeGreaterThan(1000);
  });

  test('MATCHES finds the spans RE2 finds, searching from the literals (random patterns and texts)', () => {
    fc.assert(
      fc.property(patterns, fc.array(texts, { minLength: 1, maxLength: 6 }), (p, ts) => {
        const policy = compilePolicy({ id: null, name: 'p', version: null, enforcement: 'AUDIT', severity: 'INFO', match: 'all', conditions: [{ field: 'request.content', operator: 'MATCHES', value: p }] });
        const re = RE2JS.compile(p);
        for (const t of ts) {
          const expected = [...(re.matchAll(t) as Iterable<RegExpMatchArray>)].slice(0, 100).map((m) => [m.index!, m.index! + m[0]!.length]);
          const got = policy.test({ requestContent: t })?.map((c) => [c.start!, c.end!]) ?? [];
          if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`${JSON.stringify(p)} on ${JSON.stringify(t)}: ${JSON.stringify(got)} != ${JSON.stringify(expected)}`);
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('MATCHES spans in long texts', () => {
  const prose = 'the quarterly report covers revenue, latency and the pipeline; a password policy review follows. ';
  test.each([
    ['(?i)\\b(confidential|internal only)\\b', ['CONFIDENTIAL', 'internal only', 'Confidential']],
    ['\\b(SEC|INC)-\\d{4,6}\\b', ['SEC-1234', 'INC-998877', 'SEC-12']],
    ['(?i)pass(word)?\\s*[:=]\\s*\\S+', ['Password: hunter2', 'pass=abc', 'PASSWORD =  x']],
    ['kes+trel', ['kestrel', 'kesssstrel', 'kestrel']],
  ])('%s: every match RE2 finds, at its offsets, wherever it is in 12 KB', (pattern, hits) => {
    const text = hits.map((h, i) => prose.repeat(10 + 30 * i) + h).join(' ') + prose.repeat(20);
    const expected = [...(RE2JS.compile(pattern).matchAll(text) as Iterable<RegExpMatchArray>)].map((m) => [m.index!, m.index! + m[0]!.length]);
    expect(expected.length).toBeGreaterThan(0);
    const policy = compilePolicy({ id: null, name: 'p', version: null, enforcement: 'AUDIT', severity: 'INFO', match: 'all', conditions: [{ field: 'request.content', operator: 'MATCHES', value: pattern }] });
    expect(policy.test({ requestContent: text })?.map((c) => [c.start, c.end])).toEqual(expected);
  });

  test('a match that begins far before the literal it requires is still found whole: the search starts again further back', () => {
    const text = `${'x'.repeat(1000)}@example.com`;
    const policy = compilePolicy({ id: null, name: 'p', version: null, enforcement: 'AUDIT', severity: 'INFO', match: 'all', conditions: [{ field: 'request.content', operator: 'MATCHES', value: 'x+@example\\.com' }] });
    // The search starts 256 characters before "@example.com", finds a match beginning right there, and looks further back.
    expect(policy.test({ requestContent: text })?.map((c) => [c.start, c.end])).toEqual([[0, 1012]]);
  });
});

describe('literal screen', () => {
  test('finds overlapping literals, literals that are prefixes of others, and literals with regex characters', () => {
    const screen = new LiteralScreen(['project kestrel', 'kestrel', 'project', 'proj', 'a.b', 'x+y', 'never']);
    const has = screen.scan('the project kestrel, a.b and x+y');
    expect(['project kestrel', 'kestrel', 'project', 'proj', 'a.b', 'x+y', 'never'].map(has)).toEqual([true, true, true, true, true, true, false]);
    expect(screen.covers('kestrel')).toBe(true);
    expect(screen.covers('falcon')).toBe(false);
  });

  test('a text full of hits is still answered right past the point where the scan stops', () => {
    const screen = new LiteralScreen(['aaa', 'zzz', 'qqq']);
    const has = screen.scan(`${'a'.repeat(2000)}zzz`);
    expect([has('aaa'), has('zzz'), has('qqq')]).toEqual([true, true, false]);
    // Literals of one or two characters are left to includes().
    expect([screen.covers('aaa'), new LiteralScreen(['ab', 'abc']).covers('ab')]).toEqual([true, false]);
  });

  test('answers what includes answers (random literals and texts)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', ' ', '.', '*', '(', 'ſ');
    const word = fc.array(alphabet, { minLength: 1, maxLength: 5 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), fc.array(alphabet, { maxLength: 300 }).map((xs) => xs.join('')), (literals, text) => {
        const screen = new LiteralScreen(literals);
        const has = screen.scan(text);
        return literals.every((l) => !screen.covers(l) || has(l) === text.includes(l));
      }),
      { numRuns: 3000 },
    );
  });
});
