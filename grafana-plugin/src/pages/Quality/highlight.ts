/** A stretch of a text by UTF-16 offsets, `end` exclusive (as String.prototype.slice takes them). */
export interface Span {
  start: number;
  end: number;
}

/** A run of the text and the spans that cover all of it (none: plain text). */
export interface Segment<S> {
  text: string;
  start: number;
  end: number;
  spans: S[];
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Whether offset `i` falls between the two halves of a surrogate pair (inside one emoji, say). */
const splitsPair = (text: string, i: number) =>
  i > 0 && i < text.length && isHigh(text.charCodeAt(i - 1)) && isLow(text.charCodeAt(i));

/**
 * Where a span lies in `text`, or null when nothing of it does. Offsets come from the collector,
 * which may have measured a text that differs from the one shown (truncated, say): they are kept
 * inside the text, and a boundary inside a surrogate pair is widened so a character is never cut
 * in half (which would render two replacement glyphs).
 */
export function place(text: string, span: Span): Span | null {
  if (!Number.isFinite(span.start) || !Number.isFinite(span.end)) {
    return null;
  }
  let start = Math.min(Math.max(Math.floor(span.start), 0), text.length);
  let end = Math.min(Math.max(Math.ceil(span.end), 0), text.length);
  if (end <= start) {
    return null;
  }
  if (splitsPair(text, start)) {
    start -= 1;
  }
  if (splitsPair(text, end)) {
    end += 1;
  }
  return { start, end };
}

/**
 * `text` cut at every placed span's boundary: each run lists the spans covering it, in the order
 * given, so overlapping and nested spans both show (the overlap is a run of its own with both).
 * Spans that lie outside the text, are empty or reversed mark nothing. The runs' texts joined are
 * the text again.
 */
export function segments<S extends Span>(text: string, spans: readonly S[]): Array<Segment<S>> {
  if (text === '') {
    return [];
  }
  const placed = spans.flatMap((s) => {
    const p = place(text, s);
    return p ? [{ span: s, ...p }] : [];
  });
  const cuts = [...new Set([0, text.length, ...placed.flatMap((p) => [p.start, p.end])])].sort((a, b) => a - b);
  const runs: Array<Segment<S>> = [];
  for (let i = 0; i < cuts.length - 1; i++) {
    const [start, end] = [cuts[i], cuts[i + 1]];
    const covering = placed.filter((p) => p.start <= start && p.end >= end).map((p) => p.span);
    const last = runs[runs.length - 1];
    // Neighbours covered by the same spans are one run (a cut made by a span that ends elsewhere).
    if (last && last.spans.length === covering.length && last.spans.every((s, k) => s === covering[k])) {
      last.end = end;
      last.text = text.slice(last.start, end);
    } else {
      runs.push({ text: text.slice(start, end), start, end, spans: covering });
    }
  }
  return runs;
}

/** The spans that mark nothing in `text` (past its end, empty, reversed): shown apart, not lost. */
export const unplaced = <S extends Span>(text: string, spans: readonly S[]): S[] =>
  spans.filter((s) => place(text, s) === null);
