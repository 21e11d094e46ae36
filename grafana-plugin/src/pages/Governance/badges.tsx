import React from 'react';
import { Badge, type BadgeColor } from '@grafana/ui';
import type { Enforcement, EvaluateResult, PolicyViolation, Severity } from '@ai-arm/schemas';

const SEVERITY: Record<Severity, BadgeColor> = { INFO: 'blue', WARNING: 'orange', CRITICAL: 'red' };
const ENFORCEMENT: Record<Enforcement, BadgeColor> = { AUDIT: 'blue', WARN: 'orange', BLOCK: 'red' };
const DECISION: Record<EvaluateResult['decision'], [string, BadgeColor]> = {
  allow: ['Allowed', 'green'],
  warn: ['Warned', 'orange'],
  block: ['Blocked', 'red'],
};
export const DECISION_NAMES: Record<NonNullable<PolicyViolation['review']>['decision'], string> = {
  CONFIRMED: 'Confirmed',
  FALSE_POSITIVE: 'False positive',
  ACCEPTED_RISK: 'Accepted risk',
};

const word = (v: string) => v.charAt(0) + v.slice(1).toLowerCase();

export const SeverityBadge = ({ severity }: { severity: Severity }) => (
  <Badge text={word(severity)} color={SEVERITY[severity]} />
);
export const EnforcementBadge = ({ enforcement }: { enforcement: Enforcement }) => (
  <Badge text={word(enforcement)} color={ENFORCEMENT[enforcement]} />
);
export const DecisionBadge = ({ decision }: { decision: EvaluateResult['decision'] }) => (
  <Badge text={DECISION[decision][0]} color={DECISION[decision][1]} />
);
/** Open, or the reviewer's decision. */
export const ReviewBadge = ({ violation }: { violation: PolicyViolation }) =>
  violation.review ? (
    <Badge text={`Reviewed: ${DECISION_NAMES[violation.review.decision]}`} color="green" />
  ) : (
    <Badge text="Open" color="orange" />
  );
