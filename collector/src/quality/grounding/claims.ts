/**
 * A response cut into the claims a grounding check judges: sentences, and the clauses of a
 * sentence joined by "; " or ", and|but|while|whereas " when each side says something on its own.
 * Offsets are UTF-16 code units into the response (what JavaScript strings index and what the
 * API's GroundedClaim carries), so `response.slice(start, end) === text` always holds.
 */

export interface ClaimSpan {
  text: string;
  start: number;
  end: number;
}

/** Words that end in a full stop without ending the sentence. */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'inc', 'ltd', 'co', 'corp', 'vs', 'etc', 'e.g', 'i.e', 'approx', 'no', 'fig', 'dept', 'est', 'u.s', 'u.k', 'e.u',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun',
]);

/** Openings of what is not a claim about the world: courtesies and offers of more help. */
const FILLER = /^(?:i hope (?:this|that) helps|hope (?:this|that) helps|let me know|feel free|please let me know|is there anything else|happy to help|thanks?\b|thank you|sure[,!.]|certainly[,!.]|of course[,!.]|great question|here(?: is|'s) (?:a |the )?(?:summary|answer|overview))/i;

/** Where sentences end: the offset just past each sentence's last character. */
function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      ends.push(i);
      continue;
    }
    if (c !== '.' && c !== '!' && c !== '?' && c !== '。') continue;
    // Closing quotes and brackets belong to the sentence they end.
    let j = i + 1;
    while (j < text.length && /["'”’)\]]/.test(text[j]!)) j++;
    if (j < text.length && !/\s/.test(text[j]!)) continue; // 3.5, e.g.x, example.com
    if (c === '.') {
      const word = /([\p{L}.]+)$/u.exec(text.slice(Math.max(0, i - 12), i))?.[1]?.toLowerCase() ?? '';
      if (ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word)) {
        // "Dr. Smith", "J. Doe": not an end, unless a capitalised sentence plainly follows a lowercase abbreviation at the very end.
        continue;
      }
      // A full stop followed by a lowercase word is inside the sentence (an unknown abbreviation).
      const next = /\S/.exec(text.slice(j))?.[0];
      if (next !== undefined && /\p{Ll}/u.test(next)) continue;
    }
    ends.push(j);
    i = j - 1;
  }
  ends.push(text.length);
  return ends;
}

/** `text` between start and end without surrounding blanks and list markers, or null when nothing is left. */
function trimmed(text: string, start: number, end: number): ClaimSpan | null {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  // "- ", "* ", "• ", "1. ", "2) ", "### ": list and heading markers are not part of the claim.
  const marker = /^(?:[-*•#>]+\s+|\d{1,3}[.)]\s+)/.exec(text.slice(start, end));
  if (marker) start += marker[0].length;
  while (start < end && /\s/.test(text[start]!)) start++;
  return start < end ? { text: text.slice(start, end), start, end } : null;
}

const WORDS = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
const wordCount = (s: string) => s.match(WORDS)?.length ?? 0;

/** A sentence's clauses: split at "; " and ", and/but/while/whereas " when both sides have three words or more. */
function clauses(s: ClaimSpan): ClaimSpan[] {
  const out: ClaimSpan[] = [];
  const joint = /;\s+|,\s+(?:and|but|while|whereas)\s+/g;
  let from = 0;
  for (let m = joint.exec(s.text); m; m = joint.exec(s.text)) {
    const left = s.text.slice(from, m.index);
    const right = s.text.slice(m.index + m[0].length);
    if (wordCount(left) < 3 || wordCount(right) < 3) continue;
    out.push({ text: left, start: s.start + from, end: s.start + m.index });
    from = m.index + m[0].length;
  }
  out.push({ text: s.text.slice(from), start: s.start + from, end: s.end });
  return out;
}

/** Whether a span says something checkable: not a question, a courtesy, or a word or two without a figure. */
export function isClaim(text: string): boolean {
  const t = text.trim();
  if (t.endsWith('?') || FILLER.test(t)) return false;
  if (/:$/.test(t)) return false; // "The figures are as follows:"
  return wordCount(t) >= 3 || /\d/.test(t);
}

/** The sentences of a text with their offsets (sources are cut the same way into passages). */
export function sentences(text: string): ClaimSpan[] {
  const out: ClaimSpan[] = [];
  let start = 0;
  for (const end of sentenceEnds(text)) {
    const s = trimmed(text, start, end);
    if (s) out.push(s);
    start = end;
  }
  return out;
}

/** The claims of a response, in order. */
export function splitClaims(response: string): ClaimSpan[] {
  const out: ClaimSpan[] = [];
  for (const s of sentences(response)) {
    for (const c of clauses(s)) {
      const t = trimmed(response, c.start, c.end);
      if (t && isClaim(t.text)) out.push(t);
    }
  }
  return out;
}
