import type { Enforcement, PolicyCondition, Severity } from '@ai-arm/schemas';
import { compileCondition, MAX_SPANS, PolicyDefinitionError, type Check, type ConditionMatch } from './conditions';
import type { Slot } from './fields';
import { readingOf, type Reading } from './reading';
import type { PolicySubject } from './subject';

/** A policy as the engine takes it: a stored one (id and version), or a draft (both null). */
export interface PolicyDefinition {
  id: string | null;
  name: string;
  version: number | null;
  enforcement: Enforcement;
  severity: Severity;
  match: 'all' | 'any';
  conditions: PolicyCondition[];
}

export interface CompiledPolicy {
  readonly id: string | null;
  readonly name: string;
  readonly version: number | null;
  readonly enforcement: Enforcement;
  readonly severity: Severity;
  /** null when the policy does not hold for the subject; otherwise what its conditions matched. */
  test(subject: PolicySubject): ConditionMatch[] | null;
}

export class Policy implements CompiledPolicy {
  readonly id: string | null;
  readonly name: string;
  readonly version: number | null;
  readonly enforcement: Enforcement;
  readonly severity: Severity;
  private readonly all: boolean;
  /** In the order they are cheapest to test. */
  private readonly checks: readonly Check[];
  // One scratch list per policy: matches of an `all` policy that then fails are dropped, not copied.
  private readonly scratch: ConditionMatch[] = [];
  private readonly order: number[] = [];

  constructor(def: PolicyDefinition, checks: Check[]) {
    this.id = def.id;
    this.name = def.name;
    this.version = def.version;
    this.enforcement = def.enforcement;
    this.severity = def.severity;
    this.all = def.match === 'all';
    this.checks = [...checks].sort((a, b) => a.cost - b.cost || a.index - b.index);
  }

  /** The lower-case literals its conditions look for in the field of `slot`, for a screen shared by the policies evaluated together. */
  screenLiterals(slot: Slot): string[] {
    return this.checks.filter((c) => c.field.slot === slot).flatMap((c) => c.screenLiterals());
  }

  test(subject: PolicySubject): ConditionMatch[] | null {
    return this.testIn(readingOf(subject));
  }

  /** The test on a reading the caller shares across policies (evaluatePolicies). */
  testIn(r: Reading): ConditionMatch[] | null {
    const out = this.scratch;
    const order = this.order;
    out.length = 0;
    order.length = 0;
    let held = false;
    let overflowed: Check[] | undefined;
    for (const c of this.checks) {
      const before = out.length;
      if (c.holds(r, out)) {
        held = true;
        for (let i = before; i < out.length; i++) order.push(c.index);
        if (out.length - before >= MAX_SPANS) (overflowed ??= []).push(c);
      } else if (this.all) {
        return null;
      }
    }
    if (!held) return null;
    // Spans past what a violation reports are still masked: maskedTexts asks these conditions for all of them.
    if (overflowed) for (const c of overflowed) r.overflowed(c);
    // Reported in the order the policy lists its conditions, whatever order they ran in.
    let sorted = true;
    for (let i = 1; i < order.length && sorted; i++) sorted = order[i - 1]! <= order[i]!;
    if (sorted) return out.slice();
    const matches = out.map((m, i) => ({ m, at: order[i]! }));
    matches.sort((a, b) => a.at - b.at);
    return matches.map((x) => x.m);
  }
}

/** Checks a policy and compiles it for evaluation; throws PolicyDefinitionError naming the first bad part. */
export function compilePolicy(def: PolicyDefinition): CompiledPolicy {
  if (def.match !== 'all' && def.match !== 'any') throw new PolicyDefinitionError('match', `match is all or any, not ${JSON.stringify(def.match)}`);
  if (!Array.isArray(def.conditions) || def.conditions.length === 0) throw new PolicyDefinitionError('conditions', 'a policy needs at least one condition');
  return new Policy(def, def.conditions.map(compileCondition));
}
