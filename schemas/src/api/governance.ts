/** Response shapes of the collector's governance routes: the collector serialises with them, the plugin is typed from them. */
import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Timestamp } from '../common';
import { Enforcement, Severity } from '../enums';
import { PolicyCondition, VIOLATION_DECISIONS, ViolationMatch } from '../entities/governance';
import { Inline, TextBody } from './shared';

export const AuditPageMeta = Type.Object(
  { nextCursor: Nullable(Type.String({ description: 'Pass as cursor for the next page; null on the last' })), limit: Type.Integer({ minimum: 1 }) },
  { title: 'AuditPageMeta' },
);
export type AuditPageMeta = Static<typeof AuditPageMeta>;

export const AuditVerification = Type.Object(
  {
    ok: Type.Boolean(),
    checked: Type.Integer({ minimum: 0, description: 'Records verified' }),
    keyed: Type.Boolean({ description: 'Whether HMACs were checked (ARM_AUDIT_HMAC_KEY set)' }),
    head: Nullable(Type.Object({ sequence: Type.Integer({ minimum: 1 }), hash: Type.String() }, { description: 'The newest record verified: keep it to catch a deleted tail later' })),
    firstBroken: Nullable(
      Type.Object({
        sequence: Type.Integer({ minimum: 1 }),
        reason: Type.Union(['missing', 'altered', 'relinked', 'forged', 'unsigned', 'truncated'].map((r) => Type.Literal(r))),
        message: Type.String(),
      }),
    ),
  },
  { title: 'AuditVerification', description: "The organisation's audit chain walked from its first record" },
);
export type AuditVerification = Static<typeof AuditVerification>;

export const AuditExport = TextBody(['text/csv; charset=utf-8', 'application/x-ndjson'], 'Every matching audit record: CSV with a header row, or one JSON object per line');

/** A policy as an admin writes it: POST takes it whole, PATCH any part of it (each change is a new version). */
export const PolicyInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    enforcement: Enforcement,
    severity: Severity,
    enabled: Type.Optional(Type.Boolean({ description: 'Default true' })),
    match: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('any')], { description: 'Default all' })),
    conditions: Type.Array(Inline(PolicyCondition), { minItems: 1, maxItems: 50 }),
  },
  { title: 'PolicyInput', additionalProperties: false },
);
export type PolicyInput = Static<typeof PolicyInput>;

export const PolicyPatch = Type.Partial(PolicyInput, { title: 'PolicyPatch', additionalProperties: false, minProperties: 1 });
export type PolicyPatch = Static<typeof PolicyPatch>;

export const PolicyTemplate = Type.Object(
  { id: Type.String({ description: 'e.g. pii-in-prompts' }), name: Type.String(), description: Type.String(), policy: PolicyInput },
  { title: 'PolicyTemplate', description: 'A ready policy to start from: POST its policy as it is or edited' },
);
export type PolicyTemplate = Static<typeof PolicyTemplate>;

export const ViolationReviewInput = Type.Object(
  {
    decision: Type.Union(VIOLATION_DECISIONS.map((d) => Type.Literal(d)), { description: 'CONFIRMED, FALSE_POSITIVE or ACCEPTED_RISK' }),
    note: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { title: 'ViolationReviewInput', additionalProperties: false },
);
export type ViolationReviewInput = Static<typeof ViolationReviewInput>;

export const ViolationPageMeta = Type.Object(
  { nextCursor: Nullable(Type.String({ description: 'Pass as cursor for the next page; null on the last' })), limit: Type.Integer({ minimum: 1 }) },
  { title: 'ViolationPageMeta' },
);

const MAX_TEXT = 1_048_576;

/** POST /api/v1/governance/evaluate: an interaction (or just text and an agent) to check before or after it happens. */
export const EvaluateRequest = Type.Object(
  {
    agentId: Type.Optional(Type.String({ format: 'uuid', description: 'The agent it is for: its vendor, type and id are what agent.* conditions test' })),
    text: Type.Optional(Type.String({ maxLength: MAX_TEXT, description: 'Shorthand for interaction.request.content' })),
    interaction: Type.Optional(
      Type.Object(
        {
          request: Type.Optional(Type.Object({ content: Type.String({ maxLength: MAX_TEXT }) }, { additionalProperties: false })),
          response: Type.Optional(Type.Object({ content: Type.String({ maxLength: MAX_TEXT }) }, { additionalProperties: false })),
          model: Type.Optional(Type.String({ maxLength: 255 })),
          costUsd: Type.Optional(Type.Number({ minimum: 0 })),
          tokens: Type.Optional(Type.Object({ total: Type.Integer({ minimum: 0 }) }, { additionalProperties: false })),
          metadata: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 4096 }))),
        },
        { additionalProperties: false },
      ),
    ),
    /** A draft to test instead of the enabled policies (nothing is recorded). */
    policy: Type.Optional(PolicyInput),
    record: Type.Optional(Type.Boolean({ description: 'Record violations of the enabled policies (default false: the answer only)' })),
  },
  { title: 'EvaluateRequest', additionalProperties: false },
);
export type EvaluateRequest = Static<typeof EvaluateRequest>;

export const EvaluateResult = Type.Object(
  {
    decision: Type.Union([Type.Literal('allow'), Type.Literal('warn'), Type.Literal('block')], { description: 'block if a BLOCK policy matched, else warn if a WARN one did, else allow' }),
    matches: Type.Array(
      Type.Object({
        policyId: Nullable(Type.String({ format: 'uuid', description: 'null for a draft' })),
        policyName: Type.String(),
        policyVersion: Nullable(Type.Integer({ minimum: 1 })),
        enforcement: Enforcement,
        severity: Severity,
        conditions: Type.Array(Inline(ViolationMatch)),
      }),
    ),
    masked: Type.Object(
      { request: Nullable(Type.String()), response: Nullable(Type.String()) },
      { description: 'The texts with every matched span and every detected secret or PII masked' },
    ),
    violationIds: Type.Array(Id, { description: 'Violations recorded (with record: true)' }),
    evaluationMicros: Type.Number({ minimum: 0 }),
  },
  { title: 'EvaluateResult' },
);
export type EvaluateResult = Static<typeof EvaluateResult>;

const Count = Type.Integer({ minimum: 0 });
export const ComplianceReport = Type.Object(
  {
    from: Timestamp,
    to: Timestamp,
    generatedAt: Timestamp,
    violations: Type.Object({
      total: Count,
      open: Count,
      byPolicy: Type.Array(Type.Object({ policyId: Id, policyName: Type.String(), enforcement: Enforcement, severity: Severity, total: Count, open: Count, reviewed: Count })),
      bySeverity: Type.Array(Type.Object({ severity: Severity, total: Count, open: Count })),
    }),
    review: Type.Object({
      reviewed: Count,
      medianHoursToReview: Nullable(Type.Number({ minimum: 0 })),
      p90HoursToReview: Nullable(Type.Number({ minimum: 0 })),
      oldestOpenAt: Nullable(Timestamp),
    }),
    auditChain: Inline(AuditVerification),
    credentials: Type.Array(Type.Object({ connectionId: Id, name: Type.String(), vendor: Type.String(), credentialSetAt: Timestamp, ageDays: Count })),
    unusedApiKeys: Type.Array(Type.Object({ id: Id, name: Type.String(), role: Type.String(), createdAt: Timestamp, lastUsedAt: Nullable(Timestamp) }), { description: 'Keys not used (or never used) in unusedKeyDays' }),
    inactiveUsers: Type.Array(Type.Object({ id: Id, email: Type.String(), lastLoginAt: Nullable(Timestamp) }), { description: 'Users without a sign-in in inactiveUserDays' }),
    thresholds: Type.Object({ unusedKeyDays: Count, inactiveUserDays: Count }),
  },
  { title: 'ComplianceReport', description: 'What an auditor asks for over a period: violations and their review, the audit chain, credentials and access hygiene' },
);
export type ComplianceReport = Static<typeof ComplianceReport>;

export const ComplianceReportCsv = TextBody(['text/csv; charset=utf-8'], 'The report as CSV: one section per table, each with its header row');
