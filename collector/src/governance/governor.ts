import type { Logger } from 'pino';
import type { Instruments } from '../metrics/instruments.generated';
import { compilePolicy, type CompiledPolicy, type PolicyDefinition } from './engine/compile';
import { evaluatePolicies, violationMatches, type Evaluation } from './engine/evaluate';
import type { PolicySubject } from './engine/subject';
import type { ViolationFacts } from './violations/rows';

export interface GovernorDeps {
  /** The organisation's enabled policies as stored, each with its id and current version. */
  load: (organizationId: string) => Promise<PolicyDefinition[]>;
  metrics: Instruments;
  log: Logger;
}

/** Where a judged interaction came from, and what a violation of it records. */
export interface JudgedAt {
  agentId: string | null;
  interactionId: string | null;
  source: ViolationFacts['source'];
  occurredAtMs: number;
  /** With content capture off, a violation keeps where the match was but no excerpt of the text. */
  capture: boolean;
}

export interface Verdict {
  /** What the interaction is marked with: '' allowed, or the strongest enforcement that matched. */
  action: '' | 'warn' | 'block';
  violations: ViolationFacts[];
}

const ALLOWED: Verdict = Object.freeze({ action: '', violations: [] }) as Verdict;

/**
 * The push path's policy check: each organisation's enabled policies, compiled once and kept
 * until one of them changes, run on every accepted interaction (architecture: normalize ->
 * attribute -> price -> govern). An organisation without enabled policies costs one map lookup
 * per batch.
 */
export class Governor {
  private readonly compiled = new Map<string, readonly CompiledPolicy[]>();
  /** Bumped by invalidate(): a load that began before a change does not cache what it read. */
  private readonly generation = new Map<string, number>();

  constructor(private readonly deps: GovernorDeps) {}

  /** The organisation's compiled policies when they are loaded, else undefined (then await load()). */
  cached(organizationId: string): readonly CompiledPolicy[] | undefined {
    return this.compiled.get(organizationId);
  }

  async load(organizationId: string): Promise<readonly CompiledPolicy[]> {
    const generation = this.generation.get(organizationId) ?? 0;
    const compiled: CompiledPolicy[] = [];
    for (const def of await this.deps.load(organizationId)) {
      try {
        compiled.push(compilePolicy(def));
      } catch (err) {
        // Stored policies were compiled when saved; one that no longer compiles (a detector
        // renamed in an upgrade) must not stop the others, nor the push path.
        this.deps.log.error({ policyId: def.id, version: def.version, err: (err as Error).message }, 'a stored policy does not compile; it is skipped until it is fixed');
      }
    }
    if ((this.generation.get(organizationId) ?? 0) === generation) this.compiled.set(organizationId, compiled);
    return compiled;
  }

  /** A policy of the organisation changed: the next interaction loads its policies again. */
  invalidate(organizationId: string): void {
    this.compiled.delete(organizationId);
    this.generation.set(organizationId, (this.generation.get(organizationId) ?? 0) + 1);
  }

  /** Runs the policies on one interaction; the time it took goes to ai_arm_policy_evaluation_duration_seconds. */
  judge(organizationId: string, policies: readonly CompiledPolicy[], subject: PolicySubject, at: JudgedAt): Verdict {
    if (policies.length === 0) return ALLOWED;
    const began = performance.now();
    const evaluation = evaluatePolicies(policies, subject);
    const violations = this.violationsOf(organizationId, evaluation, subject, at);
    this.deps.metrics.policyEvaluationDuration.record((performance.now() - began) / 1000, { organization_id: organizationId });
    return { action: evaluation.decision === 'allow' ? '' : evaluation.decision, violations };
  }

  /** The violations an evaluation found: one per stored policy that held (a draft, with no id, records none). */
  violationsOf(organizationId: string, evaluation: Evaluation, subject: PolicySubject, at: JudgedAt): ViolationFacts[] {
    const violations: ViolationFacts[] = [];
    for (const m of evaluation.matched) {
      if (m.policy.id === null || m.policy.version === null) continue;
      violations.push({
        organizationId,
        policy: { id: m.policy.id, name: m.policy.name, version: m.policy.version, enforcement: m.policy.enforcement, severity: m.policy.severity },
        agentId: at.agentId,
        interactionId: at.interactionId,
        source: at.source,
        occurredAtMs: at.occurredAtMs,
        matches: violationMatches(m.conditions, subject, at.capture),
      });
    }
    return violations;
  }

  /** Counts violations once they are stored: ai_arm_policy_violations_total, which the BLOCK alert reads. */
  count(violations: readonly ViolationFacts[]): void {
    for (const v of violations) {
      this.deps.metrics.policyViolations.add(1, {
        organization_id: v.organizationId,
        policy_id: v.policy.id,
        severity: v.policy.severity.toLowerCase() as 'info' | 'warning' | 'critical',
        enforcement: v.policy.enforcement.toLowerCase() as 'audit' | 'warn' | 'block',
      });
    }
  }
}
