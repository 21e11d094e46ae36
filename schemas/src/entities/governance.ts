import { Type, type Static } from '@sinclair/typebox';
import { Id, Metadata, Nullable, Timestamp } from '../common';
import { Enforcement, Severity } from '../enums';

export const AuditLog = Type.Object(
  {
    id: Id,
    organizationId: Id,
    sequence: Type.Integer({ minimum: 1, description: 'Position in the organisation hash chain' }),
    timestamp: Timestamp,
    actorType: Type.Union([Type.Literal('USER'), Type.Literal('API_KEY'), Type.Literal('AGENT'), Type.Literal('SYSTEM')]),
    actorId: Type.String(),
    actorName: Type.String(),
    action: Type.String({ description: 'verb on a resource, e.g. connection.create' }),
    resourceType: Type.String(),
    resourceId: Nullable(Type.String()),
    before: Nullable(Metadata),
    after: Nullable(Metadata),
    metadata: Metadata,
    ipAddress: Nullable(Type.String()),
    userAgent: Nullable(Type.String()),
    requestId: Type.String(),
    prevHash: Type.String({ description: 'hash of the previous record in the chain (hex)' }),
    hash: Type.String({ description: 'sha256 over this record and prevHash (hex)' }),
  },
  { $id: 'AuditLog', title: 'AuditLog', description: 'One mutation; append-only and hash-chained per organisation' },
);
export type AuditLog = Static<typeof AuditLog>;

/** Fields of an interaction and its agent a condition can test; `metadata.<key>` reads one attribute. */
export const POLICY_FIELDS = ['request.content', 'response.content', 'agent.vendor', 'agent.type', 'agent.id', 'model', 'cost.usd', 'tokens.total'] as const;
export const POLICY_OPERATORS = ['CONTAINS', 'EQUALS', 'MATCHES', 'GT', 'LT', 'IN', 'DETECTS'] as const;
export const PolicyOperator = Type.Union(
  POLICY_OPERATORS.map((o) => Type.Literal(o)),
  { $id: 'PolicyOperator', title: 'PolicyOperator', description: 'CONTAINS, EQUALS (case-insensitive text), MATCHES (regular expression), GT, LT (numbers), IN (one of a list), DETECTS (a named detector: pii, pii.card, secret, prompt_injection, ...)' },
);
export type PolicyOperator = Static<typeof PolicyOperator>;

/** One test on one field; `not` inverts it (the NOT operator). */
export const PolicyCondition = Type.Object(
  {
    field: Type.String({ minLength: 1, maxLength: 160, description: `One of ${POLICY_FIELDS.join(', ')}, or metadata.<key>` }),
    operator: PolicyOperator,
    value: Type.Union([Type.String({ maxLength: 4096 }), Type.Number(), Type.Array(Type.Union([Type.String({ maxLength: 1024 }), Type.Number()]), { minItems: 1, maxItems: 500 })], {
      description: 'Text, a number, or a list (IN; DETECTS takes one detector name or a list)',
    }),
    not: Type.Optional(Type.Boolean({ default: false, description: 'True inverts the condition (NOT)' })),
  },
  { $id: 'PolicyCondition', title: 'PolicyCondition', additionalProperties: false },
);
export type PolicyCondition = Static<typeof PolicyCondition>;

/** What a policy is made of, as an admin writes it (create) and as each version keeps it. */
const policyBody = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  description: Type.String({ maxLength: 2000, default: '' }),
  enforcement: Enforcement,
  severity: Severity,
  enabled: Type.Boolean({ default: true }),
  match: Type.Union([Type.Literal('all'), Type.Literal('any')], { default: 'all', description: 'all: every condition must hold; any: one is enough' }),
  conditions: Type.Array(PolicyCondition, { minItems: 1, maxItems: 50 }),
};

export const Policy = Type.Object(
  {
    id: Id,
    ...policyBody,
    version: Type.Integer({ minimum: 1, description: 'Every change makes a new version; a violation names the one that fired' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    updatedBy: Type.String({ description: 'Who made the current version' }),
  },
  { $id: 'Policy', title: 'Policy', description: 'Conditions on an interaction and its agent, and what happens when they hold' },
);
export type Policy = Static<typeof Policy>;

export const PolicyVersion = Type.Object(
  { policyId: Id, version: Type.Integer({ minimum: 1 }), ...policyBody, createdAt: Timestamp, createdBy: Type.String() },
  { $id: 'PolicyVersion', title: 'PolicyVersion', description: 'A policy as it stood from createdAt until the next version' },
);
export type PolicyVersion = Static<typeof PolicyVersion>;

export const VIOLATION_DECISIONS = ['CONFIRMED', 'FALSE_POSITIVE', 'ACCEPTED_RISK'] as const;

/** What one condition matched: where, and the text with anything sensitive masked. */
export const ViolationMatch = Type.Object(
  {
    field: Type.String(),
    operator: PolicyOperator,
    detector: Nullable(Type.String({ description: 'The detector that found it (DETECTS)' })),
    start: Nullable(Type.Integer({ minimum: 0, description: 'Offset of the match in the field text (UTF-16 code units)' })),
    end: Nullable(Type.Integer({ minimum: 0 })),
    excerpt: Type.String({ description: 'The matched text masked, with a little context; empty when the organisation does not capture content' }),
  },
  { $id: 'ViolationMatch', title: 'ViolationMatch' },
);
export type ViolationMatch = Static<typeof ViolationMatch>;

export const PolicyViolation = Type.Object(
  {
    id: Id,
    policyId: Id,
    policyVersion: Type.Integer({ minimum: 1 }),
    policyName: Type.String(),
    enforcement: Enforcement,
    severity: Severity,
    action: Type.Union([Type.Literal('recorded'), Type.Literal('warned'), Type.Literal('blocked')], { description: 'What the enforcement did: AUDIT records, WARN warns, BLOCK blocks' }),
    agentId: Nullable(Id),
    interactionId: Nullable(Type.String()),
    source: Type.Union([Type.Literal('push'), Type.Literal('evaluate')], { description: 'A pushed interaction, or POST /governance/evaluate with record' }),
    occurredAt: Timestamp,
    matches: Type.Array(ViolationMatch),
    status: Type.Union([Type.Literal('open'), Type.Literal('reviewed')]),
    review: Nullable(
      Type.Object({
        reviewer: Type.String(),
        decision: Type.Union(VIOLATION_DECISIONS.map((d) => Type.Literal(d))),
        note: Type.String(),
        reviewedAt: Timestamp,
      }),
    ),
  },
  { $id: 'PolicyViolation', title: 'PolicyViolation' },
);
export type PolicyViolation = Static<typeof PolicyViolation>;
