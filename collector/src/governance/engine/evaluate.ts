import type { ViolationMatch } from '@ai-arm/schemas';
import type { TextSpan } from '../detectors/detector';
import { maskSpans } from '../detectors';
import { Policy, type CompiledPolicy } from './compile';
import type { ConditionMatch } from './conditions';
import { fieldOf, Slot, type FieldRef } from './fields';
import { readingOf, type Reading } from './reading';
import { LiteralScreen } from './screen';
import type { PolicySubject } from './subject';

export interface Evaluation {
  /** block if a BLOCK policy held, else warn if a WARN one did, else allow (AUDIT policies never change it). */
  decision: 'allow' | 'warn' | 'block';
  matched: { policy: CompiledPolicy; conditions: ConditionMatch[] }[];
}

const NOTHING: Evaluation['matched'] = [];

const screens = new WeakMap<readonly CompiledPolicy[], readonly (LiteralScreen | undefined)[]>();
// Below this many literals in a text, a search each costs no more than one pass of the screen.
const MIN_SCREENED = 4;

/** The literal screens of a set of policies (kept while the set is: the push path keeps its set per organisation). */
function screensOf(policies: readonly CompiledPolicy[]): readonly (LiteralScreen | undefined)[] {
  let s = screens.get(policies);
  if (!s) {
    s = [Slot.Request, Slot.Response].map((slot) => {
      const literals = new Set(policies.flatMap((p) => (p instanceof Policy ? p.screenLiterals(slot) : [])));
      return literals.size >= MIN_SCREENED ? new LiteralScreen(literals) : undefined;
    });
    screens.set(policies, s);
  }
  return s;
}

/** Runs every policy on one subject, sharing the lower-cased texts, literal searches and detector runs among them. */
export function evaluatePolicies(policies: readonly CompiledPolicy[], subject: PolicySubject): Evaluation {
  const r = readingOf(subject);
  r.useScreens(screensOf(policies));
  let decision: Evaluation['decision'] = 'allow';
  let matched: Evaluation['matched'] | undefined;
  for (const p of policies) {
    const conditions = p instanceof Policy ? p.testIn(r) : p.test(subject);
    if (!conditions) continue;
    (matched ??= []).push({ policy: p, conditions });
    if (p.enforcement === 'BLOCK') decision = 'block';
    else if (p.enforcement === 'WARN' && decision === 'allow') decision = 'warn';
  }
  return { decision, matched: matched ?? NOTHING.slice() };
}

const CONTEXT = 40;
// A bound on the spans one condition masks: a one-letter CONTAINS on a 1 MiB text stays a bounded job.
const MAX_MASKED_SPANS = 100_000;
const LABEL_EXCERPT = 120;

/**
 * What a violation keeps of each match: the offsets, and (withExcerpts: the organisation
 * captures content) the matched text with a little context either side, every secret and piece
 * of PII in it masked, whether or not it is what the condition matched.
 */
export function violationMatches(conditions: ConditionMatch[], subject: PolicySubject, withExcerpts: boolean): ViolationMatch[] {
  const r = withExcerpts ? readingOf(subject) : null;
  return conditions.map((c) => ({
    field: c.field,
    operator: c.operator,
    detector: c.detector,
    start: c.start,
    end: c.end,
    excerpt: r ? excerptOf(r, c) : '',
  }));
}

function excerptOf(r: Reading, c: ConditionMatch): string {
  const f = fieldOf(c.field);
  if (!f) return '';
  if (f.kind === 'number') {
    const n = r.number(f);
    return n === undefined ? '' : String(n);
  }
  const text = r.text(f);
  if (text === undefined) return '';
  if (c.start === null || c.end === null) {
    // A whole-value match (EQUALS, IN, a negated condition): a short value is the excerpt; a long text says nothing useful whole.
    return f.kind === 'content' ? '' : window(r, f, text, 0, Math.min(text.length, LABEL_EXCERPT), null);
  }
  return window(r, f, text, c.start, c.end, c);
}

/** text[start, end) widened by CONTEXT each side, masked, with … where it was cut. */
function window(r: Reading, f: FieldRef, text: string, start: number, end: number, c: ConditionMatch | null): string {
  let from = Math.max(0, start - CONTEXT);
  let to = Math.min(text.length, end + CONTEXT);
  // Never cut a surrogate pair in half.
  if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from--;
  if (to < text.length && isLowSurrogate(text.charCodeAt(to))) to++;
  const spans: TextSpan[] = [];
  // Detected on the whole text, so a card number the window cuts in half is still known for one.
  for (const s of r.sensitive(f, text)) if (s.end > from && s.start < to) spans.push({ start: Math.max(s.start, from) - from, end: Math.min(s.end, to) - from, detector: s.detector });
  if (c?.detector && isSensitive(c.detector) && c.start !== null && c.end !== null) spans.push({ start: c.start - from, end: c.end - from, detector: c.detector });
  const body = maskSpans(text.slice(from, to), spans.sort((a, b) => a.start - b.start));
  return `${from > 0 ? '…' : ''}${body}${to < text.length ? '…' : ''}`;
}

/**
 * The request and response texts with every span a policy matched and every secret and piece of
 * PII masked: what the evaluate API answers, and what the push path stores.
 */
export function maskedTexts(evaluation: Evaluation, subject: PolicySubject): { request: string | null; response: string | null } {
  const r = readingOf(subject);
  return { request: maskedField(r, evaluation, REQUEST), response: maskedField(r, evaluation, RESPONSE) };
}

const REQUEST = fieldOf('request.content')!;
const RESPONSE = fieldOf('response.content')!;

function maskedField(r: Reading, evaluation: Evaluation, f: FieldRef): string | null {
  const text = f.slot === Slot.Request ? r.subject.requestContent : r.subject.responseContent;
  if (text === undefined) return null;
  const sensitive = r.sensitive(f, text);
  let spans: TextSpan[] | undefined;
  for (const m of evaluation.matched) {
    for (const c of m.conditions) {
      if (c.field !== f.name || c.start === null || c.end === null || c.end <= c.start) continue;
      (spans ??= [...sensitive]).push({ start: c.start, end: c.end, detector: c.detector ?? 'policy' });
    }
  }
  if (spans) for (const s of r.overflowSpans(f, text, MAX_MASKED_SPANS)) spans.push(s);
  if (!spans) return sensitive.length === 0 ? text : maskSpans(text, sensitive);
  return maskSpans(text, spans.sort((a, b) => a.start - b.start || b.end - a.end));
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
const isSensitive = (detector: string) => detector.startsWith('pii.') || detector.startsWith('secret.');
