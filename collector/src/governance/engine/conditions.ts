import { RE2JS } from 're2js';
import { POLICY_FIELDS, POLICY_OPERATORS, type PolicyCondition, type PolicyOperator } from '@ai-arm/schemas';
import type { Detector, TextSpan } from '../detectors/detector';
import { DETECTOR_NAMES, detectorsNamed } from '../detectors';
import { fieldOf, type FieldRef } from './fields';
import { prefilterOf, type Prefilter } from './prefilter';
import type { Reading } from './reading';

/** What one condition matched: where in the field's text (CONTAINS, MATCHES, DETECTS), else null offsets. */
export interface ConditionMatch {
  field: string;
  operator: PolicyOperator;
  detector: string | null;
  start: number | null;
  end: number | null;
}

/** A policy that cannot be compiled; `field` is the path of the bad part, e.g. conditions/2/value. */
export class PolicyDefinitionError extends Error {
  override name = 'PolicyDefinitionError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** One compiled condition. `holds` pushes what it matched onto `out` when it holds. */
export abstract class Check {
  /** Cheap checks run first, so a policy of `all` conditions stops before scanning text when it can. */
  abstract readonly cost: number;
  constructor(
    readonly index: number,
    readonly field: FieldRef,
    readonly operator: PolicyOperator,
    readonly negated: boolean,
  ) {}

  holds(r: Reading, out: ConditionMatch[]): boolean {
    if (!this.negated) return this.test(r, out) === true;
    // NOT inverts a test of a value the subject has; a field it lacks holds nothing, negated or not.
    if (this.test(r, null) !== false) return false;
    out.push(this.match(null, null, null));
    return true;
  }

  /** true (and what matched pushed onto `out`, when given), false, or undefined when the subject lacks the field. */
  protected abstract test(r: Reading, out: ConditionMatch[] | null): boolean | undefined;

  protected match(detector: string | null, start: number | null, end: number | null): ConditionMatch {
    return { field: this.field.name, operator: this.operator, detector, start, end };
  }

  /**
   * Every span of the condition in the text, up to `limit`: for masking a text where it matched
   * more often than a violation reports (MAX_SPANS). Empty for a condition without spans.
   */
  allSpans(_r: Reading, _text: string, _limit: number): TextSpan[] {
    return [];
  }

  /** The lower-case literals this condition looks for in its field's lower-cased text, for the screen. */
  screenLiterals(): readonly string[] {
    return [];
  }
}

/** What a violation reports of one condition; beyond it the spans are still masked (maskedTexts). */
export const MAX_SPANS = 100;

class Contains extends Check {
  readonly cost = this.field.kind === 'content' ? 1 : 0;
  private finder: RegExp | undefined;
  constructor(i: number, f: FieldRef, op: PolicyOperator, not: boolean, private readonly needle: string) {
    super(i, f, op, not);
  }
  protected test(r: Reading, out: ConditionMatch[] | null) {
    const text = r.text(this.field);
    if (text === undefined) return undefined;
    if (!r.hasLower(this.field, text, this.needle)) return false;
    if (!out) return true;
    const spans = this.allSpans(r, text, MAX_SPANS);
    for (const s of spans) out.push(this.match(null, s.start, s.end));
    if (spans.length === 0) out.push(this.match(null, null, null));
    return true;
  }
  override screenLiterals() {
    return [this.needle];
  }
  override allSpans(r: Reading, text: string, limit: number): TextSpan[] {
    const lower = r.lower(this.field, text);
    const spans: TextSpan[] = [];
    const n = this.needle.length;
    if (lower.length === text.length) {
      for (let at = lower.indexOf(this.needle); at >= 0 && spans.length < limit; at = lower.indexOf(this.needle, at + n)) spans.push({ start: at, end: at + n, detector: 'policy' });
      return spans;
    }
    // Lower-casing changed the text's length (a few letters, e.g. İ, become two): offsets come from a case-blind search of the text itself.
    this.finder ??= new RegExp(this.needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu');
    for (const m of text.matchAll(this.finder)) {
      if (spans.length >= limit) break;
      spans.push({ start: m.index, end: m.index + m[0].length, detector: 'policy' });
    }
    return spans;
  }
}

class EqualsText extends Check {
  readonly cost = this.field.kind === 'content' ? 1 : 0;
  constructor(i: number, f: FieldRef, op: PolicyOperator, not: boolean, private readonly value: string) {
    super(i, f, op, not);
  }
  protected test(r: Reading, out: ConditionMatch[] | null) {
    const text = r.text(this.field);
    if (text === undefined) return undefined;
    // Lengths far apart cannot be equal in any case: no need to lower-case a long prompt to say so.
    if (text.length > 2 * this.value.length + 8 || r.lower(this.field, text) !== this.value) return false;
    out?.push(this.match(null, null, null));
    return true;
  }
}

class NumberTest extends Check {
  readonly cost = 0;
  constructor(i: number, f: FieldRef, op: PolicyOperator, not: boolean, private readonly value: number | ReadonlySet<number>) {
    super(i, f, op, not);
  }
  protected test(r: Reading, out: ConditionMatch[] | null) {
    const n = r.number(this.field);
    if (n === undefined) return undefined;
    const v = this.value;
    const held = typeof v !== 'number' ? v.has(n) : this.operator === 'GT' ? n > v : this.operator === 'LT' ? n < v : n === v;
    if (held) out?.push(this.match(null, null, null));
    return held;
  }
}

class InText extends Check {
  readonly cost = this.field.kind === 'content' ? 1 : 0;
  constructor(i: number, f: FieldRef, op: PolicyOperator, not: boolean, private readonly texts: ReadonlySet<string>, private readonly numbers: ReadonlySet<number>) {
    super(i, f, op, not);
  }
  protected test(r: Reading, out: ConditionMatch[] | null) {
    const text = r.text(this.field);
    if (text === undefined) return undefined;
    let held = this.texts.has(r.lower(this.field, text));
    if (!held && this.numbers.size > 0) {
      const n = r.number(this.field);
      held = n !== undefined && this.numbers.has(n);
    }
    if (held) out?.push(this.match(null, null, null));
    return held;
  }
}

class Matches extends Check {
  readonly cost = this.field.kind === 'content' ? 2 : 0;
  private readonly filter: Prefilter | null;
  constructor(i: number, f: FieldRef, op: PolicyOperator, not: boolean, pattern: string, private readonly re: RE2JS) {
    super(i, f, op, not);
    this.filter = prefilterOf(pattern, re);
  }
  protected test(r: Reading, out: ConditionMatch[] | null) {
    const text = r.text(this.field);
    if (text === undefined) return undefined;
    // Most texts lack the pattern's literals: a few substring searches say so before RE2 runs.
    const f = this.filter;
    if (f && !f.mayMatch(f.folded ? (l) => r.hasLower(this.field, text, l) : (l) => text.includes(l))) return false;
    // test() takes RE2's DFA path with no captures; the spans are looked for only once it holds.
    if (!this.re.test(text)) return false;
    if (out) for (const m of this.allSpans(r, text, MAX_SPANS)) out.push(this.match(null, m.start, m.end));
    return true;
  }
  override screenLiterals() {
    return this.filter?.folded ? this.filter.literals : [];
  }
  /**
   * Where the pattern matches. RE2 gives offsets only from its capturing engine, some ten times
   * slower than the test, in proportion to the text it reads: so each search starts a little
   * before the next place a literal the pattern requires occurs (every match holds one), not at
   * the start of the text, and stops when none is left. A match that begins more than
   * MATCH_LEAD characters before its first required literal is found from there on (and a
   * search that finds a match where it began starts again further back, to catch the start).
   */
  override allSpans(r: Reading, text: string, limit: number): TextSpan[] {
    const f = this.filter;
    const hay = f?.folded ? r.lower(this.field, text) : text;
    if (!f || hay.length !== text.length) return everySpan(this.re, text, limit);
    const spans: TextSpan[] = [];
    const m = this.re.matcher(text);
    for (let from = 0; spans.length < limit && from <= text.length; ) {
      const at = firstOf(hay, f.literals, from);
      if (at < 0) break;
      let begin = Math.max(from, at - MATCH_LEAD);
      let found = m.find(begin);
      for (let lead = MATCH_LEAD * 4; found && m.start() === begin && begin > from; lead *= 4) found = m.find((begin = Math.max(from, at - lead)));
      if (!found) break;
      spans.push({ start: m.start(), end: m.end(), detector: 'policy' });
      from = m.end() > m.start() ? m.end() : m.end() + 1;
    }
    return spans;
  }
}

const MATCH_LEAD = 256;

function everySpan(re: RE2JS, text: string, limit: number): TextSpan[] {
  const spans: TextSpan[] = [];
  for (const m of re.matchAll(text) as Iterable<RegExpMatchArray>) {
    if (spans.length >= limit) break;
    spans.push({ start: m.index!, end: m.index! + m[0]!.length, detector: 'policy' });
  }
  return spans;
}

/** The first place at or after `from` where any of the literals occurs, or -1. */
function firstOf(hay: string, literals: readonly string[], from: number): number {
  let first = -1;
  for (const l of literals) {
    const at = hay.indexOf(l, from);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}

class Detects extends Check {
  readonly cost = this.field.kind === 'content' ? 3 : 0;
  constructor(i: number, f: FieldRef, op: PolicyOperator, not: boolean, private readonly detectors: readonly Detector[]) {
    super(i, f, op, not);
  }
  protected test(r: Reading, out: ConditionMatch[] | null) {
    const text = r.text(this.field);
    if (text === undefined) return undefined;
    let held = false;
    for (const d of this.detectors) {
      if (r.detect(this.field, text, d).length === 0) continue;
      held = true;
      break;
    }
    if (!held) return false;
    if (out) for (const s of this.allSpans(r, text, MAX_SPANS)) out.push(this.match(s.detector, s.start, s.end));
    return true;
  }
  override allSpans(r: Reading, text: string, limit: number): TextSpan[] {
    let found: TextSpan[] = [];
    for (const d of this.detectors) {
      const spans = r.detect(this.field, text, d);
      if (spans.length > 0) found = found.length === 0 ? spans.slice() : found.concat(spans);
    }
    // In the order they occur in the text, whichever detector found them.
    if (this.detectors.length > 1) found.sort((a, b) => a.start - b.start || b.end - a.end);
    return found.length > limit ? found.slice(0, limit) : found;
  }
}

const FIELD_LIST = `${POLICY_FIELDS.join(', ')} or metadata.<key>`;
const describe = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v) : Array.isArray(v) ? 'a list' : typeof v === 'number' ? String(v) : typeof v);

/** Checks one condition and compiles it; throws PolicyDefinitionError naming the bad part. */
export function compileCondition(c: PolicyCondition, index: number): Check {
  const at = `conditions/${index}`;
  const bad = (part: string, message: string) => new PolicyDefinitionError(`${at}/${part}`, message);
  if (typeof c !== 'object' || c === null) throw new PolicyDefinitionError(at, 'a condition is an object with field, operator and value');
  const field = typeof c.field === 'string' ? fieldOf(c.field) : null;
  if (!field) throw bad('field', `unknown field ${describe(c.field)}: a condition tests ${FIELD_LIST}`);
  const op = c.operator;
  if (!(POLICY_OPERATORS as readonly unknown[]).includes(op)) throw bad('operator', `unknown operator ${describe(op)}: one of ${POLICY_OPERATORS.join(', ')}`);
  if (c.not !== undefined && typeof c.not !== 'boolean') throw bad('not', 'not is true or false');
  const not = c.not === true;
  const v: unknown = c.value;
  const numeric = field.kind === 'number';
  const misfit = (why: string) => bad('operator', `${op} does not apply to ${field.name}: ${why}`);
  const needText = (what = 'text') => bad('value', `${op} on ${field.name} needs ${what}, not ${describe(v)}`);
  const needNumber = () => bad('value', `${op} needs a number, not ${describe(v)}`);

  switch (op) {
    case 'CONTAINS':
      if (numeric) throw misfit('it is a number (use EQUALS, GT, LT or IN)');
      if (typeof v !== 'string') throw needText();
      if (v === '') throw bad('value', 'CONTAINS needs some text to look for, not an empty string');
      return new Contains(index, field, op, not, v.toLowerCase());
    case 'MATCHES':
      if (numeric) throw misfit('it is a number (use EQUALS, GT, LT or IN)');
      if (typeof v !== 'string' || v === '') throw needText('a regular expression');
      return new Matches(index, field, op, not, v, regexOf(v, `${at}/value`));
    case 'DETECTS': {
      if (numeric) throw misfit('detectors read text');
      const names = typeof v === 'string' ? [v] : Array.isArray(v) && v.every((n) => typeof n === 'string') ? (v as string[]) : null;
      if (!names) throw needText('a detector name or a list of them');
      const detectors: Detector[] = [];
      for (const name of names) {
        const found = detectorsNamed(name);
        if (!found) throw bad('value', `unknown detector ${describe(name)}: one of ${DETECTOR_NAMES.join(', ')}`);
        for (const d of found) if (!detectors.includes(d)) detectors.push(d);
      }
      return new Detects(index, field, op, not, detectors);
    }
    case 'GT':
    case 'LT':
      if (field.kind !== 'number' && field.kind !== 'metadata') throw misfit('GT and LT compare numbers: cost.usd, tokens.total or a metadata.<key> holding numbers');
      if (typeof v !== 'number' || !Number.isFinite(v)) throw needNumber();
      return new NumberTest(index, field, op, not, v);
    case 'EQUALS':
      if (numeric || (field.kind === 'metadata' && typeof v === 'number')) {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw needNumber();
        return new NumberTest(index, field, op, not, v);
      }
      if (typeof v !== 'string') throw needText();
      return new EqualsText(index, field, op, not, v.toLowerCase());
    case 'IN': {
      if (!Array.isArray(v) || v.length === 0) throw bad('value', `IN needs a list of values, not ${describe(v)}`);
      const numbers = new Set<number>();
      const texts = new Set<string>();
      v.forEach((item: unknown, i: number) => {
        if (typeof item === 'number' && Number.isFinite(item) && (numeric || field.kind === 'metadata')) numbers.add(item);
        else if (typeof item === 'string' && !numeric) texts.add(item.toLowerCase());
        else throw new PolicyDefinitionError(`${at}/value/${i}`, `IN on ${field.name} takes ${numeric ? 'numbers' : field.kind === 'metadata' ? 'text or numbers' : 'text'}, not ${describe(item)}`);
      });
      return numeric ? new NumberTest(index, field, op, not, numbers) : new InText(index, field, op, not, texts, numbers);
    }
    default:
      throw bad('operator', `unknown operator ${describe(op)}`);
  }
}

/**
 * A MATCHES pattern, compiled by RE2 (re2js): matching takes time linear in the text whatever
 * the pattern, so a pattern like (a+)+$ cannot stall the push path. RE2 has no back-references
 * or look-around; a pattern using them is refused here with RE2's reason.
 */
export function regexOf(pattern: string, field: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (err) {
    throw new PolicyDefinitionError(field, `invalid regular expression ${describe(pattern)}: ${(err as Error).message.replace(/^error parsing regexp: /, '')}`);
  }
}
