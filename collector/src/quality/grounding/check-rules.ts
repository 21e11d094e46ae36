/**
 * The deterministic grounding checker. Each claim is matched to the passage of the sources that
 * best covers its content words (IDF-weighted overlap over sentences and pairs of sentences), and
 * its dates, numbers and names are compared with that passage's:
 *
 * - CONTRADICTED: the passage is about the same thing (half or more of the claim's other content
 *   words, weighted) and states a different date, number (same unit) or name, or the opposite (a
 *   negation only one of them has) where it says the same otherwise;
 * - SUPPORTED: the passage covers the claim and holds each of its dates, numbers and names;
 * - UNSUPPORTED: nothing in the sources says it (too little overlap, or a figure or name the
 *   sources never mention).
 *
 * It reads words, not meaning: a paraphrase with none of its source's words, or a contradiction
 * that changes only a verb ("sold" for "bought"), is beyond it. That is what the LLM judge is for.
 */
import type { GroundedClaim } from '@ai-arm/schemas';
import { sentences, splitClaims, type ClaimSpan } from './claims';
import { datesAgree, datesComparable, factsOf, numbersAgree, tokensOf, unitsMatch, type DateFact, type Facts, type NumberFact } from './facts';

interface Passage {
  source: number;
  start: number;
  end: number;
  text: string;
  lower: string;
  tokens: Set<string>;
  facts?: Facts;
}

/** The sources cut into passages (sentences, and each sentence with the next), with a token index. */
export class SourceIndex {
  readonly passages: Passage[] = [];
  private readonly postings = new Map<string, number[]>();
  private readonly allText: string;

  constructor(readonly sources: readonly string[]) {
    sources.forEach((text, source) => {
      const ss = sentences(text);
      ss.forEach((s, i) => {
        this.add(source, s, text);
        const next = ss[i + 1];
        if (next) this.add(source, { start: s.start, end: next.end, text: text.slice(s.start, next.end) }, text);
      });
    });
    this.allText = sources.join('\n').toLowerCase();
  }

  private add(source: number, s: ClaimSpan, _text: string): void {
    const tokens = new Set(tokensOf(s.text));
    const id = this.passages.length;
    this.passages.push({ source, start: s.start, end: s.end, text: s.text, lower: s.text.toLowerCase(), tokens });
    for (const t of tokens) {
      let list = this.postings.get(t);
      if (!list) this.postings.set(t, (list = []));
      list.push(id);
    }
  }

  /** Inverse document frequency: rare words say more about what a passage is about. */
  idf(token: string): number {
    // A word no passage has weighs as one that a single passage has: a paraphrase's own words should not swamp it.
    const df = Math.max(1, this.postings.get(token)?.length ?? 0);
    return Math.log(1 + (this.passages.length + 1) / (df + 0.5));
  }

  /** Passages sharing a content word with the claim, the most shared first (at most `n`). */
  candidates(tokens: readonly string[], n = 40): Passage[] {
    const score = new Map<number, number>();
    for (const t of new Set(tokens)) {
      const w = this.idf(t);
      for (const id of this.postings.get(t) ?? []) score.set(id, (score.get(id) ?? 0) + w);
    }
    return [...score].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, n).map(([id]) => this.passages[id]!);
  }

  factsOf(p: Passage): Facts {
    return (p.facts ??= factsOf(p.text));
  }

  /** Whether the sources write this word capitalised somewhere. */
  capitalised(word: string): boolean {
    const w = word[0]!.toUpperCase() + word.slice(1);
    return this.sources.some((s) => containsWords(s, w));
  }

  /** Whether a name (or a phrase) appears anywhere in the sources, whole words, any case. */
  mentions(phrase: string): boolean {
    return containsWords(this.allText, phrase);
  }
}

function containsWords(haystack: string, phrase: string): boolean {
  let at = haystack.indexOf(phrase);
  while (at >= 0) {
    const before = haystack[at - 1];
    const after = haystack[at + phrase.length];
    if ((before === undefined || !/[\p{L}\p{N}]/u.test(before)) && (after === undefined || !/[\p{L}\p{N}]/u.test(after))) return true;
    at = haystack.indexOf(phrase, at + 1);
  }
  return false;
}

type Judged = Omit<GroundedClaim, 'text' | 'start' | 'end'> & { suggestedCorrection?: string };

interface Fit {
  passage: Passage;
  /** Weighted share of the claim's context words (its words but those of its names) the passage has. */
  context: number;
  conflicts: { kind: 'date' | 'number' | 'name'; claim: string; passage: string }[];
  /** The claim's names the passage itself names, and its dates and numbers the passage holds. */
  namesHere: number;
  figuresHere: number;
  /** Dates, numbers and names of the claim neither this passage nor (for names) the sources have. */
  missing: string[];
}

function coverage(index: SourceIndex, tokens: readonly string[], passage: Passage): number {
  let have = 0;
  let all = 0;
  for (const t of new Set(tokens)) {
    const w = index.idf(t);
    all += w;
    if (passage.tokens.has(t)) have += w;
  }
  return all === 0 ? 0 : have / all;
}

const dateOk = (d: DateFact, ds: readonly DateFact[]) => ds.some((x) => datesAgree(d, x));
const numberOk = (n: NumberFact, ns: readonly NumberFact[]) => ns.some((x) => unitsMatch(n, x) && numbersAgree(n, x));

/** The figure of the passage a claim's figure is to be compared with: the same unit first, then one without a unit. */
function rivalNumber(n: NumberFact, ns: readonly NumberFact[]): NumberFact | undefined {
  return ns.find((x) => x.unit !== '' && x.unit === n.unit) ?? ns.find((x) => (x.unit === '' || n.unit === '') && unitsMatch(n, x));
}

function fitOf(index: SourceIndex, claimLower: string, claim: Facts, context: readonly string[], missingNames: readonly string[], passage: Passage): Fit {
  const pf = index.factsOf(passage);
  const conflicts: Fit['conflicts'] = [];
  const missing: string[] = [];
  let figuresHere = 0;
  let namesHere = 0;
  for (const d of claim.dates) {
    if (dateOk(d, pf.dates)) figuresHere++;
    else {
      const other = pf.dates.find((x) => datesComparable(d, x));
      if (other) conflicts.push({ kind: 'date', claim: d.text, passage: other.text });
      else missing.push(d.text);
    }
  }
  for (const n of claim.numbers) {
    if (numberOk(n, pf.numbers)) figuresHere++;
    else {
      const other = rivalNumber(n, pf.numbers);
      if (other) conflicts.push({ kind: 'number', claim: n.text, passage: other.text });
      else missing.push(n.text);
    }
  }
  for (const e of claim.entities) {
    if (containsWords(passage.lower, e)) namesHere++;
    else if (missingNames.includes(e)) {
      // A name the sources never mention, where the passage names someone or something else.
      const other = pf.entities.find((x) => !containsWords(claimLower, x));
      if (other) conflicts.push({ kind: 'name', claim: e, passage: other });
      else missing.push(e);
    }
    // Named elsewhere in the sources: the passage may say "she" or "the company" for it.
  }
  return { passage, context: coverage(index, context, passage), conflicts, namesHere, figuresHere, missing };
}

const round = (x: number) => Math.round(x * 100) / 100;

/** One claim against the sources. */
export function checkClaim(index: SourceIndex, text: string): Judged {
  const facts = factsOf(text);
  // A capitalised first word is a name when the sources write it capitalised ("Tesla"), not when they do not ("Revenue").
  if (facts.initial !== null && index.capitalised(facts.initial)) facts.entities.unshift(facts.initial);
  const claimLower = text.toLowerCase();
  const missingNames = facts.entities.filter((e) => !index.mentions(e));
  const nameWords = new Set(facts.entities.flatMap((e) => tokensOf(e)));
  // What the claim is about besides its names (compared on their own); a claim of names alone is about them.
  const others = facts.tokens.filter((t) => !nameWords.has(t));
  const context = others.length > 0 ? others : facts.tokens;
  const candidates = index.candidates(facts.tokens);
  if (candidates.length === 0) return { status: 'UNSUPPORTED', reason: 'no passage of the sources shares its content words', confidence: 0.9, evidence: null };
  const figures = facts.dates.length + facts.numbers.length;
  const names = facts.entities.length;
  let best: Fit | null = null;
  let bestScore = -Infinity;
  for (const p of candidates) {
    const fit = fitOf(index, claimLower, facts, context, missingNames, p);
    // What it is about first; then naming the claim's names; then holding its figures; a shorter passage wins a tie.
    const score = fit.context + (names > 0 ? (0.3 * fit.namesHere) / names : 0) + (figures > 0 ? (0.25 * fit.figuresHere) / figures : 0) - p.text.length / 1e7;
    if (score > bestScore) [best, bestScore] = [fit, score];
  }
  const fit = best!;
  const evidence = { source: fit.passage.source, start: fit.passage.start, end: fit.passage.end };
  const quote = fit.passage.text.length > 160 ? `${fit.passage.text.slice(0, 157)}...` : fit.passage.text;
  if (fit.context >= 0.5 && fit.conflicts.length > 0) {
    const c = fit.conflicts[0]!;
    return {
      status: 'CONTRADICTED',
      reason: `the source says ${c.passage} where the claim says ${c.claim} (${c.kind}): "${quote}"`,
      confidence: round(Math.min(0.95, 0.5 + 0.45 * fit.context)),
      evidence,
      suggestedCorrection: c.passage,
    };
  }
  const passageFacts = index.factsOf(fit.passage);
  if (others.length >= 2 && fit.context >= 0.6 && fit.missing.length === 0 && facts.negated !== passageFacts.negated && fit.figuresHere === figures) {
    return { status: 'CONTRADICTED', reason: `the source says the opposite: "${quote}"`, confidence: round(0.5 + 0.3 * fit.context), evidence };
  }
  // Each figure the passage holds lowers the overlap its wording needs: figures are what a paraphrase keeps.
  const needed = figures >= 2 ? 0.3 : figures === 1 ? 0.4 : 0.6;
  if (fit.missing.length === 0 && fit.conflicts.length === 0 && fit.context >= needed) {
    return { status: 'SUPPORTED', reason: figures + names > 0 ? `the source states it, with the same ${kinds(facts)}: "${quote}"` : `the source says the same: "${quote}"`, confidence: round(Math.min(0.95, 0.4 + 0.55 * fit.context + 0.05 * fit.figuresHere)), evidence };
  }
  const why = fit.missing.length > 0 || fit.conflicts.length > 0 ? `the sources do not mention ${[...fit.missing, ...fit.conflicts.map((c) => c.claim)].slice(0, 3).join(', ')}` : `no passage of the sources covers it (best overlap ${Math.round(fit.context * 100)}%)`;
  return { status: 'UNSUPPORTED', reason: why, confidence: round(Math.min(0.95, 0.5 + 0.45 * (1 - fit.context) + (fit.missing.length > 0 ? 0.2 : 0))), evidence: null };
}

function kinds(f: Facts): string {
  const k = [f.dates.length > 0 ? 'date' : '', f.numbers.length > 0 ? 'figures' : '', f.entities.length > 0 ? 'names' : ''].filter(Boolean);
  return k.join(' and ');
}

export type CheckedClaim = GroundedClaim & { suggestedCorrection?: string };

/** Every claim of a response checked against the sources by the rules. */
export function checkByRules(response: string, sources: readonly string[], claims: readonly ClaimSpan[] = splitClaims(response)): CheckedClaim[] {
  const index = new SourceIndex(sources);
  return claims.map((c) => ({ text: c.text, start: c.start, end: c.end, ...checkClaim(index, c.text) }));
}
