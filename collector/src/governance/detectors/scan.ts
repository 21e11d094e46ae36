import type { Detector, DetectorFamily, TextSpan } from './detector';

/**
 * A detector with a cheap first test (`hint`): text that fails it cannot hold a match, so the
 * detector's regular expressions never run on it. Most text holds no key, card or phrase, and
 * stored-content masking runs on every attribute value of every pushed span.
 */
export interface HintedDetector extends Detector {
  /** Passes every text that holds a match (it may pass more); case-insensitive (i) where case does not matter. */
  readonly hint: RegExp;
}

export function familyOf(name: string): DetectorFamily {
  const family = name.slice(0, name.indexOf('.'));
  if (family !== 'pii' && family !== 'secret' && family !== 'prompt_injection') throw new Error(`detector ${name}: unknown family`);
  return family;
}

export type Accepted = { start: number; end: number; next?: number } | { start?: undefined; next: number };

export interface PatternOptions {
  hint: RegExp;
  /**
   * The span of a match, or null to drop it (a failed checksum); by default the whole match.
   * It may also say where the scan goes on from (`next`, with or without a span), for a pattern
   * that reads ahead further than what it keeps.
   */
  accept?: (m: RegExpExecArray, text: string) => Accepted | null;
}

/**
 * A detector from one global regular expression. The patterns are written to run in linear
 * time: every repetition is over a class that the next token cannot also match, or bounded,
 * and starts are anchored (a look-behind, \b or a literal prefix) so a long run is tried once,
 * not from each of its characters.
 */
export function patternDetector(name: string, pattern: RegExp, options: PatternOptions): HintedDetector {
  if (!pattern.global) throw new Error(`detector ${name}: the pattern needs the g flag`);
  const family = familyOf(name);
  const { hint, accept } = options;
  return {
    name,
    family,
    hint,
    find(text: string): TextSpan[] {
      if (!hint.test(text)) return [];
      const spans: TextSpan[] = [];
      // The pattern object is shared; find is synchronous, so resetting it here is safe.
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
        if (m[0].length === 0) {
          pattern.lastIndex++;
          continue;
        }
        if (!accept) {
          spans.push({ start: m.index, end: m.index + m[0].length, detector: name });
          continue;
        }
        const span = accept(m, text);
        if (!span) continue;
        if (span.start !== undefined) spans.push({ start: span.start, end: span.end, detector: name });
        if (span.next !== undefined) pattern.lastIndex = span.next;
      }
      return spans;
    },
  };
}

/** The span of the last capture group of a match that ends with that group (a value after its label). */
export function trailingGroup(m: RegExpExecArray): { start: number; end: number } {
  const value = m[m.length - 1]!;
  const end = m.index + m[0].length;
  return { start: end - value.length, end };
}
