import type { Detector, TextSpan } from '../detectors/detector';
import { DETECTORS } from '../detectors';
import type { PolicySubject } from './subject';
import { Slot, type FieldRef } from './fields';
import type { LiteralScreen } from './screen';

/** A condition that can list all its spans in a text (CONTAINS, MATCHES, DETECTS): conditions.ts's Check. */
export interface SpanSource {
  readonly field: FieldRef;
  allSpans(r: Reading, text: string, limit: number): TextSpan[];
}

/** What has been worked out about one text of a subject: kept while the text stays the same. */
class TextFacts {
  lower: string | undefined;
  /** By detector name: what it found in the text. */
  found: Map<string, TextSpan[]> | undefined;
  /** Every detector's spans, for masking. */
  sensitive: TextSpan[] | undefined;
  /** The screen the literals were looked for with, and what it found. */
  screen: LiteralScreen | undefined;
  has: ((literal: string) => boolean) | undefined;
  constructor(readonly text: string) {}
}

/**
 * One subject as the conditions read it: each text lower-cased once and each detector run once
 * on it, however many conditions of however many policies ask. It is kept with the subject (a
 * weak map), so evaluation, excerpts and masking of one interaction share the work; a text that
 * changes on the subject is worked out again.
 */
export class Reading {
  private readonly facts: (TextFacts | undefined)[] = [];
  private metaFacts: Map<string, TextFacts> | undefined;
  /** Conditions of policies that held with more spans than a violation reports, and the text they held on. */
  private overflow: { check: SpanSource; text: string }[] | undefined;
  private screens: readonly (LiteralScreen | undefined)[] | undefined;

  constructor(readonly subject: PolicySubject) {}

  /** The field's text, or undefined when the subject has none (a condition on it does not hold). */
  text(f: FieldRef): string | undefined {
    const s = this.subject;
    switch (f.slot) {
      case Slot.Request:
        return s.requestContent;
      case Slot.Response:
        return s.responseContent;
      case Slot.Vendor:
        return s.agent?.vendor;
      case Slot.Type:
        return s.agent?.type;
      case Slot.AgentId:
        return s.agent?.id;
      case Slot.Model:
        return s.model;
      case Slot.Metadata:
        return s.metadata?.[f.key!];
      default:
        return undefined;
    }
  }

  /** The field's number: cost.usd and tokens.total as they are, metadata parsed; undefined when there is none. */
  number(f: FieldRef): number | undefined {
    const s = this.subject;
    if (f.slot === Slot.Cost) return typeof s.costUsd === 'number' ? s.costUsd : undefined;
    if (f.slot === Slot.Tokens) return s.tokensTotal;
    const t = this.text(f);
    return t === undefined ? undefined : numberIn(t);
  }

  lower(f: FieldRef, text: string): string {
    const facts = this.factsOf(f, text);
    return (facts.lower ??= text.toLowerCase());
  }

  /** The screens of the policies being evaluated together, by slot (request and response content). */
  useScreens(screens: readonly (LiteralScreen | undefined)[] | undefined): void {
    this.screens = screens;
  }

  /** Whether the field's lower-cased text holds `literal` (lower-case): through the screen when it covers the literal. */
  hasLower(f: FieldRef, text: string, literal: string): boolean {
    const facts = this.factsOf(f, text);
    const lower = (facts.lower ??= text.toLowerCase());
    const screen = this.screens?.[f.slot];
    if (screen === undefined || f.slot === Slot.Metadata || !screen.covers(literal)) return lower.includes(literal);
    if (facts.screen !== screen) {
      facts.screen = screen;
      facts.has = screen.scan(lower);
    }
    return facts.has!(literal);
  }

  /** What one detector finds in the field's text, run at most once per text. */
  detect(f: FieldRef, text: string, d: Detector): TextSpan[] {
    const facts = this.factsOf(f, text);
    const found = (facts.found ??= new Map());
    let spans = found.get(d.name);
    if (spans === undefined) {
      spans = d.find(text);
      found.set(d.name, spans);
    }
    return spans;
  }

  /**
   * Every secret and piece of PII in the field's text, as findSpans with every such detector
   * finds them, reusing what DETECTS conditions already found: at most one run per detector.
   */
  sensitive(f: FieldRef, text: string): TextSpan[] {
    const facts = this.factsOf(f, text);
    if (facts.sensitive) return facts.sensitive;
    const spans: TextSpan[] = [];
    for (const d of (maskers ??= DETECTORS.filter((d) => d.family !== 'prompt_injection'))) for (const s of this.detect(f, text, d)) spans.push(s);
    return (facts.sensitive = spans.sort(byPosition));
  }

  overflowed(check: SpanSource): void {
    const text = this.text(check.field);
    if (text !== undefined) (this.overflow ??= []).push({ check, text });
  }

  /** Every span of the conditions that overflowed on the field's text as it is now. */
  overflowSpans(f: FieldRef, text: string, limit: number): TextSpan[] {
    const spans: TextSpan[] = [];
    for (const o of this.overflow ?? []) if (o.check.field.slot === f.slot && o.check.field.key === f.key && o.text === text) spans.push(...o.check.allSpans(this, text, limit));
    return spans;
  }

  private factsOf(f: FieldRef, text: string): TextFacts {
    if (f.slot === Slot.Metadata) {
      const map = (this.metaFacts ??= new Map());
      const known = map.get(f.key!);
      if (known?.text === text) return known;
      const facts = new TextFacts(text);
      map.set(f.key!, facts);
      return facts;
    }
    const known = this.facts[f.slot];
    if (known?.text === text) return known;
    return (this.facts[f.slot] = new TextFacts(text));
  }
}

/** findSpans' order: by start, the longer first, then in detector order (the sort is stable). */
const byPosition = (a: TextSpan, b: TextSpan) => a.start - b.start || b.end - a.end;

// Secrets and PII are masked; a prompt-injection phrase is hostile, not sensitive, and stays readable.
let maskers: readonly Detector[] | undefined;

const readings = new WeakMap<PolicySubject, Reading>();

/** The subject's reading, made on first use. */
export function readingOf(subject: PolicySubject): Reading {
  let r = readings.get(subject);
  if (!r) readings.set(subject, (r = new Reading(subject)));
  return r;
}

/** A metadata value as a number: plain decimal text only ("12", "-0.5", "1e3"), not "" or "0x10". */
function numberIn(text: string): number | undefined {
  if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}
