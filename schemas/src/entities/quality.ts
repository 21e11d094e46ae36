import { Type, type Static } from '@sinclair/typebox';
import { Id, Metadata, Nullable, Ratio, Timestamp } from '../common';
import { AlertStatus, Severity } from '../enums';

export const QualityMetricType = Type.Union(
  [
    Type.Literal('hallucination_rate'),
    Type.Literal('relevance_score'),
    Type.Literal('consistency_score'),
    Type.Literal('latency_p50'),
    Type.Literal('latency_p99'),
    Type.Literal('error_rate'),
    Type.Literal('user_satisfaction'),
    Type.Literal('task_completion'),
  ],
  { $id: 'QualityMetricType', title: 'QualityMetricType' },
);
export type QualityMetricType = Static<typeof QualityMetricType>;

export const QualityMetric = Type.Object(
  {
    id: Id,
    organizationId: Id,
    agentId: Id,
    timestamp: Timestamp,
    metricType: QualityMetricType,
    value: Ratio,
    rawValue: Type.Unknown({ description: 'The original measurement' }),
    sampleSize: Type.Integer({ minimum: 0 }),
    details: Metadata,
  },
  { $id: 'QualityMetric', title: 'QualityMetric', description: 'One quality measurement, normalised to 0-1' },
);
export type QualityMetric = Static<typeof QualityMetric>;

export const QualityAlert = Type.Object(
  {
    id: Id,
    organizationId: Id,
    agentId: Id,
    alertType: Type.Union([Type.Literal('THRESHOLD'), Type.Literal('DRIFT'), Type.Literal('HALLUCINATION')]),
    severity: Severity,
    metric: QualityMetricType,
    threshold: Type.Number(),
    actualValue: Type.Number(),
    message: Type.String(),
    status: AlertStatus,
    createdAt: Timestamp,
    resolvedAt: Nullable(Timestamp),
  },
  { $id: 'QualityAlert', title: 'QualityAlert' },
);
export type QualityAlert = Static<typeof QualityAlert>;

export const DriftEvent = Type.Object(
  {
    id: Id,
    organizationId: Id,
    agentId: Id,
    detectedAt: Timestamp,
    driftType: Type.Union([Type.Literal('ANSWER'), Type.Literal('BEHAVIOR'), Type.Literal('PERFORMANCE')]),
    baselineValue: Type.Number(),
    currentValue: Type.Number(),
    deviation: Type.Number({ description: 'Standard deviations from the baseline' }),
    samples: Type.Array(Type.String(), { description: 'Interaction ids that show the drift' }),
  },
  { $id: 'DriftEvent', title: 'DriftEvent' },
);
export type DriftEvent = Static<typeof DriftEvent>;

export const FlaggedClaim = Type.Object(
  {
    claim: Type.String(),
    startIndex: Type.Integer({ minimum: 0 }),
    endIndex: Type.Integer({ minimum: 0 }),
    reason: Type.String(),
    confidence: Ratio,
    suggestedCorrection: Type.Optional(Type.String()),
  },
  { $id: 'FlaggedClaim', title: 'FlaggedClaim' },
);
export type FlaggedClaim = Static<typeof FlaggedClaim>;

export const HallucinationCheck = Type.Object(
  {
    interactionId: Type.String(),
    response: Type.String(),
    groundingSources: Type.Array(Type.String()),
    hallucinationScore: Ratio,
    flaggedClaims: Type.Array(FlaggedClaim),
    verdict: Type.Union([Type.Literal('CLEAN'), Type.Literal('SUSPICIOUS'), Type.Literal('HALLUCINATION')]),
  },
  { $id: 'HallucinationCheck', title: 'HallucinationCheck' },
);
export type HallucinationCheck = Static<typeof HallucinationCheck>;
