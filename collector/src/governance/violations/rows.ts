import { createHash, randomUUID } from 'node:crypto';
import type { Enforcement, Severity, ViolationMatch } from '@ai-arm/schemas';
import { millisText } from '../../stores/clickhouse/time-text';

/** What a violation is, before it becomes a policy_violations row. */
export interface ViolationFacts {
  organizationId: string;
  policy: { id: string; name: string; version: number; enforcement: Enforcement; severity: Severity };
  agentId: string | null;
  /** The interaction's id (the client's, or trace:span); null for an evaluation recorded without one. */
  interactionId: string | null;
  source: 'push' | 'evaluate';
  occurredAtMs: number;
  matches: ViolationMatch[];
}

export const ACTION_OF: Readonly<Record<Enforcement, 'recorded' | 'warned' | 'blocked'>> = { AUDIT: 'recorded', WARN: 'warned', BLOCK: 'blocked' };

/**
 * The same interaction matched by the same policy version is the same violation: a re-delivered
 * span or a client's retry writes the row again under this id, and ReplacingMergeTree keeps one.
 * The interaction's start is part of it as it is of the table's key: a request sent again with
 * another start is another interaction row, and was two violation rows under one id, so the list
 * showed both and the report, counting reviews by id, neither as it should.
 * Shaped as a UUID (version 8, "custom") so the column and the API take it as one.
 */
export function violationId(organizationId: string, interactionId: string, policyId: string, version: number, occurredAtMs: number): string {
  const h = createHash('sha256').update(`${organizationId}\n${interactionId}\n${policyId}\n${version}\n${occurredAtMs}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function violationRow(v: ViolationFacts, ingestedAtMs: number): Record<string, unknown> & { id: string } {
  const id = v.interactionId === null ? randomUUID() : violationId(v.organizationId, v.interactionId, v.policy.id, v.policy.version, v.occurredAtMs);
  return {
    organization_id: v.organizationId,
    occurred_at: millisText(v.occurredAtMs),
    id,
    policy_id: v.policy.id,
    policy_version: v.policy.version,
    policy_name: v.policy.name,
    enforcement: v.policy.enforcement,
    severity: v.policy.severity,
    action: ACTION_OF[v.policy.enforcement],
    agent_id: v.agentId,
    interaction_id: v.interactionId ?? '',
    source: v.source,
    matches: JSON.stringify(v.matches),
    ingested_at: millisText(ingestedAtMs),
  };
}
