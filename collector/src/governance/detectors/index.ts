/**
 * Every detector, by name and by family, and the two things done with what they find: the
 * spans of a text (for DETECTS conditions and evaluation answers) and the text with those spans
 * masked (for evaluation answers and stored content, see interactions/mask.ts).
 */
import type { Detector, DetectorFamily, TextSpan } from './detector';
import { INJECTION_DETECTORS } from './injection';
import { PII_DETECTORS } from './pii';
import type { HintedDetector } from './scan';
import { SECRET_DETECTORS } from './secrets';

export type { Detector, DetectorFamily, TextSpan } from './detector';
export { luhnValid } from './luhn';

const ALL: readonly HintedDetector[] = [...SECRET_DETECTORS, ...PII_DETECTORS, ...INJECTION_DETECTORS];

/**
 * All detectors. The order is a priority: when two find exactly the same span (a JWT given as
 * a bearer value, a key given as a password value), findSpans lists the earlier one first and
 * maskSpans names the masked text after it.
 */
export const DETECTORS: readonly Detector[] = ALL;

const FAMILIES: readonly DetectorFamily[] = ['pii', 'secret', 'prompt_injection'];

const BY_NAME = new Map<string, readonly Detector[]>([
  ...FAMILIES.map((f) => [f, DETECTORS.filter((d) => d.family === f)] as const),
  ...DETECTORS.map((d) => [d.name, [d]] as const),
]);

/** Every name a DETECTS condition accepts: the three families and each detector's full name. */
export const DETECTOR_NAMES: readonly string[] = [...BY_NAME.keys()];

/** A family name gives all its detectors, a full name gives one, an unknown name gives null. */
export function detectorsNamed(name: string): readonly Detector[] | null {
  return BY_NAME.get(name) ?? null;
}

/** By start; at one start the longer first; then in the order given (the sort is stable). */
const byPosition = (a: TextSpan, b: TextSpan) => a.start - b.start || b.end - a.end;

/** Every match of every detector, sorted by start. Overlapping spans of different detectors are all kept. */
export function findSpans(text: string, detectors: readonly Detector[]): TextSpan[] {
  const spans: TextSpan[] = [];
  for (const d of detectors) for (const s of d.find(text)) spans.push(s);
  return spans.sort(byPosition);
}

/** `[REDACTED:<kind>]`, the kind being the part of the detector's name after the family. */
export const redactionMarker = (detector: string): string => `[REDACTED:${detector.slice(detector.indexOf('.') + 1)}]`;

/**
 * `text` with each span replaced by its marker. Overlapping spans are merged into one marker,
 * named after the span that starts first (at equal starts the longer, then the first given),
 * so the output never holds a marker cut by another or a piece of a masked value.
 */
export function maskSpans(text: string, spans: readonly TextSpan[]): string {
  if (spans.length === 0) return text;
  const ordered = [...spans].sort(byPosition);
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < ordered.length) {
    const first = ordered[i]!;
    const start = Math.max(first.start, copied);
    let end = first.end;
    for (i++; i < ordered.length && ordered[i]!.start < end; i++) end = Math.max(end, ordered[i]!.end);
    end = Math.min(end, text.length);
    if (end <= start) continue;
    out += text.slice(copied, start) + redactionMarker(first.detector);
    copied = end;
  }
  return out + text.slice(copied);
}

/**
 * One cheap test for a set of detectors: false means none of them can match, so none needs to
 * run. Built from each detector's own first test: the case-sensitive ones joined in one
 * expression and the case-insensitive ones in another (joined under one flag, literals would
 * all pay for case folding). Null when a detector has no such test.
 */
export function anyHint(detectors: readonly Detector[]): ((text: string) => boolean) | null {
  const exact = new Set<string>();
  const folded = new Set<string>();
  for (const d of detectors) {
    const hint = (d as Partial<HintedDetector>).hint;
    if (!hint) return null;
    (hint.ignoreCase ? folded : exact).add(hint.source);
  }
  const join = (sources: Set<string>, flags: string) => (sources.size > 0 ? new RegExp([...sources].join('|'), flags) : null);
  const a = join(exact, '');
  const b = join(folded, 'i');
  return (text) => (a !== null && a.test(text)) || (b !== null && b.test(text));
}
