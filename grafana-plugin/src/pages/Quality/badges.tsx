import React from 'react';
import { Badge, type BadgeColor } from '@grafana/ui';
import type { AlertStatus, DriftEvent, GroundedClaim, GroundingVerdict, Severity } from '@ai-arm/schemas';

const VERDICT: Record<GroundingVerdict, [string, BadgeColor]> = {
  CLEAN: ['Clean', 'green'],
  SUSPICIOUS: ['Suspicious', 'orange'],
  HALLUCINATION: ['Hallucination', 'red'],
};
const CLAIM: Record<GroundedClaim['status'], [string, BadgeColor]> = {
  SUPPORTED: ['Supported', 'green'],
  UNSUPPORTED: ['Unsupported', 'orange'],
  CONTRADICTED: ['Contradicted', 'red'],
};
const STATUS: Record<AlertStatus, [string, BadgeColor]> = {
  OPEN: ['Open', 'red'],
  ACKNOWLEDGED: ['Acknowledged', 'orange'],
  RESOLVED: ['Resolved', 'green'],
};
const SEVERITY: Record<Severity, BadgeColor> = { INFO: 'blue', WARNING: 'orange', CRITICAL: 'red' };
const DIRECTION: Record<DriftEvent['direction'], string> = { up: 'Up', down: 'Down', shift: 'Shifted' };

const word = (v: string) => v.charAt(0) + v.slice(1).toLowerCase();

export const VerdictBadge = ({ verdict }: { verdict: GroundingVerdict }) => (
  <Badge text={VERDICT[verdict][0]} color={VERDICT[verdict][1]} />
);
export const ClaimBadge = ({ status }: { status: GroundedClaim['status'] }) => (
  <Badge text={CLAIM[status][0]} color={CLAIM[status][1]} />
);
export const AlertStatusBadge = ({ status }: { status: AlertStatus }) => (
  <Badge text={STATUS[status][0]} color={STATUS[status][1]} />
);
export const SeverityBadge = ({ severity }: { severity: Severity }) => (
  <Badge text={word(severity)} color={SEVERITY[severity]} />
);
export const DirectionBadge = ({ event }: { event: DriftEvent }) => (
  <Badge
    text={DIRECTION[event.direction]}
    color={event.direction === 'shift' ? 'purple' : event.direction === 'up' ? 'orange' : 'blue'}
  />
);
