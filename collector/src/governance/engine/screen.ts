/**
 * Which of many literals a text holds, in about one pass: the CONTAINS texts and the literals
 * MATCHES patterns require, of all the policies evaluated together, are looked for at once by
 * one regular expression (an alternation of plain strings: no backtracking to speak of) instead
 * of by one substring search each over the whole text.
 */
export class LiteralScreen {
  private readonly covered: ReadonlySet<string>;
  private readonly re: RegExp;
  /** For each literal, the others that are its prefixes: found wherever it is. */
  private readonly prefixes = new Map<string, string[]>();

  constructor(literals: Iterable<string>) {
    // Longest first: of the literals that start at one place the alternation reports the first
    // listed, so the longest, and the rest there are its prefixes.
    // A literal of a letter or two (a pattern's "t" or "no") occurs all through a text: each hit would cost a
    // step of the search, where includes() finds it at once. Such literals are left to includes().
    const sorted = [...new Set(literals)].filter((l) => l.length >= MIN_LENGTH).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    this.covered = new Set(sorted);
    for (const l of sorted) this.prefixes.set(l, sorted.filter((p) => p !== l && l.startsWith(p)));
    this.re = new RegExp(sorted.map((l) => l.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|') || '(?!)', 'g');
  }

  covers(literal: string): boolean {
    return this.covered.has(literal);
  }

  /** Whether the text holds each covered literal (`has` answers only for those). */
  scan(text: string): (literal: string) => boolean {
    const found = new Set<string>();
    const re = this.re;
    re.lastIndex = 0;
    // Every start is looked at (the search goes on one past each match's start), so literals that
    // overlap are all found. A text full of hits stops being scanned after MAX_HITS and the
    // literals not yet found are looked for, one search each, in the rest of it.
    for (let hits = 0; hits < MAX_HITS; hits++) {
      const m = re.exec(text);
      if (!m) return (l) => found.has(l);
      if (!found.has(m[0])) {
        found.add(m[0]);
        for (const p of this.prefixes.get(m[0])!) found.add(p);
      }
      re.lastIndex = m.index + 1;
    }
    const from = re.lastIndex;
    return (l) => found.has(l) || text.includes(l, from);
  }
}

// Enough for the common words a pattern may require (each hit costs one more step of the search), few enough to bound a text made of hits.
const MAX_HITS = 512;
const MIN_LENGTH = 3;
