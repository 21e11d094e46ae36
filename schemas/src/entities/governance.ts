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

export const PolicyCondition = Type.Object(
  {
    field: Type.String({ minLength: 1, description: 'e.g. request.content, agent.type, request.model' }),
    operator: Type.Union([Type.Literal('CONTAINS'), Type.Literal('EQUALS'), Type.Literal('MATCHES'), Type.Literal('GT'), Type.Literal('LT')]),
    value: Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
  },
  { $id: 'PolicyCondition', title: 'PolicyCondition' },
);
export type PolicyCondition = Static<typeof PolicyCondition>;

export const PolicyRule = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    condition: PolicyCondition,
    action: Type.Union([Type.Literal('LOG'), Type.Literal('ALERT'), Type.Literal('REDACT'), Type.Literal('BLOCK')]),
    severity: Severity,
  },
  { $id: 'PolicyRule', title: 'PolicyRule' },
);
export type PolicyRule = Static<typeof PolicyRule>;

export const Policy = Type.Object(
  {
    id: Id,
    organizationId: Id,
    name: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.String(),
    type: Type.Union([Type.Literal('CONTENT'), Type.Literal('COST'), Type.Literal('ACCESS'), Type.Literal('MODEL')]),
    rules: Type.Array(PolicyRule, { minItems: 1 }),
    enforcement: Enforcement,
    enabled: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Policy', title: 'Policy' },
);
export type Policy = Static<typeof Policy>;

export const PolicyViolation = Type.Object(
  {
    id: Id,
    organizationId: Id,
    policyId: Id,
    agentId: Id,
    interactionId: Nullable(Type.String()),
    timestamp: Timestamp,
    rule: PolicyRule,
    matchedContent: Type.String({ description: 'The matched excerpt, redacted where the rule says so' }),
    severity: Severity,
    actionTaken: Type.String(),
    reviewed: Type.Boolean(),
  },
  { $id: 'PolicyViolation', title: 'PolicyViolation' },
);
export type PolicyViolation = Static<typeof PolicyViolation>;
