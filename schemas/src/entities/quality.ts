/**
 * Quality, drift and grounding: what the collector derives from an agent's pushed interactions
 * (issue 20). Figures are computed from ClickHouse at read time; drift events, grounding checks
 * and feedback are stored telemetry; quality alerts are people's work items and live in Postgres.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Ratio, Timestamp } from '../common';
import { AlertStatus, Severity } from '../enums';

/** Figures drift is watched on; answer_embedding only where content capture is on. */
export const DRIFT_METRICS = ['latency', 'error_rate', 'refusal_rate', 'tokens_per_request', 'output_length', 'answer_embedding'] as const;
export const DriftMetric = Type.Union(
  DRIFT_METRICS.map((m) => Type.Literal(m)),
  { $id: 'DriftMetric', title: 'DriftMetric', description: 'latency (ms), error_rate, refusal_rate, tokens_per_request, output_length (characters), answer_embedding (distance of answers from the baseline centroid)' },
);
export type DriftMetric = Static<typeof DriftMetric>;

const Figure = (description: string) => Nullable(Type.Number({ description }));

/** One window's quality of one agent (or one of its versions). A figure is null when nothing measured it. */
export const QualityFigures = Type.Object(
  {
    requests: Type.Integer({ minimum: 0 }),
    latencyMs: Type.Object({ p50: Figure('median latency, ms'), p95: Figure('95th percentile, ms'), p99: Figure('99th percentile, ms') }),
    errorRate: Figure('errors / requests'),
    refusalRate: Figure('answers that decline the task / answers seen (needs content in the telemetry)'),
    tokensPerRequest: Figure('mean of input + output + cache tokens'),
    outputTokens: Figure('mean output tokens'),
    outputLength: Figure('mean answer length in characters (needs content in the telemetry)'),
    taskCompletion: Figure('feedback labelled completed / (completed + not_completed)'),
    userSatisfaction: Figure('mean feedback rating mapped to 0-1 (1 star = 0, 5 stars = 1)'),
    consistency: Figure('1 - mean divergence of answers to the same prompt (1: identical answers); null without repeated prompts'),
    feedbackCount: Type.Integer({ minimum: 0 }),
  },
  { $id: 'QualityFigures', title: 'QualityFigures' },
);
export type QualityFigures = Static<typeof QualityFigures>;

/** One bucket of an agent's quality trend: per version when the agent changed inside it. */
export const QualityPoint = Type.Object(
  {
    at: Timestamp,
    version: Nullable(Type.Integer({ minimum: 1 })),
    requests: Type.Integer({ minimum: 0 }),
    latencyP95Ms: Figure('95th percentile latency, ms'),
    errorRate: Figure('errors / requests'),
    refusalRate: Figure('refusals / answers seen'),
    tokensPerRequest: Figure('mean tokens'),
    outputLength: Figure('mean answer characters'),
  },
  { $id: 'QualityPoint', title: 'QualityPoint' },
);
export type QualityPoint = Static<typeof QualityPoint>;

export const FEEDBACK_LABELS = ['completed', 'not_completed', 'helpful', 'unhelpful', 'incorrect', 'unsafe', 'other'] as const;
export const FeedbackLabel = Type.Union(FEEDBACK_LABELS.map((l) => Type.Literal(l)), {
  $id: 'FeedbackLabel',
  title: 'FeedbackLabel',
  description: 'completed and not_completed make task completion; the others are kept and counted',
});
export type FeedbackLabel = Static<typeof FeedbackLabel>;

export const Feedback = Type.Object(
  {
    id: Type.String(),
    agentId: Id,
    interactionId: Nullable(Type.String()),
    rating: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
    label: Nullable(FeedbackLabel),
    comment: Type.String(),
    source: Type.Union([Type.Literal('app'), Type.Literal('person')], { description: 'app: sent with an API key; person: a signed-in or Grafana user' }),
    author: Type.String({ description: 'The key name or the user' }),
    createdAt: Timestamp,
  },
  { $id: 'Feedback', title: 'Feedback' },
);
export type Feedback = Static<typeof Feedback>;

export const DriftWindow = Type.Object({ from: Timestamp, to: Timestamp, samples: Type.Integer({ minimum: 0 }) }, { title: 'DriftWindow' });

export const DriftEvent = Type.Object(
  {
    id: Id,
    agentId: Id,
    detectedAt: Timestamp,
    metric: DriftMetric,
    method: Type.Union([Type.Literal('sigma'), Type.Literal('psi')], { description: 'sigma: a shift of the mean in baseline standard deviations; psi: a change of distribution (population stability index)' }),
    baselineValue: Type.Number(),
    currentValue: Type.Number(),
    deviation: Type.Number({ description: 'Shift of the current window from the baseline, in baseline standard deviations (signed)' }),
    psi: Nullable(Type.Number({ minimum: 0, description: 'Population stability index of the current distribution against the baseline' })),
    direction: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('shift')], { description: 'shift: the distribution changed without its mean moving much' }),
    baseline: DriftWindow,
    current: DriftWindow,
    version: Nullable(Type.Integer({ minimum: 1, description: 'The agent version in force in the current window (the newest seen)' })),
    versionChanged: Type.Boolean({ description: 'A new agent version started inside the current window: the drift starts with it' }),
    samples: Type.Array(Type.String(), { maxItems: 20, description: 'Interaction ids that show the drift' }),
  },
  { $id: 'DriftEvent', title: 'DriftEvent' },
);
export type DriftEvent = Static<typeof DriftEvent>;

export const CLAIM_STATUSES = ['SUPPORTED', 'CONTRADICTED', 'UNSUPPORTED'] as const;
export const GroundedClaim = Type.Object(
  {
    text: Type.String(),
    start: Type.Integer({ minimum: 0, description: 'Offset of the claim in the response (UTF-16 code units)' }),
    end: Type.Integer({ minimum: 0 }),
    status: Type.Union(CLAIM_STATUSES.map((s) => Type.Literal(s))),
    reason: Type.String(),
    confidence: Ratio,
    evidence: Nullable(Type.Object({ source: Type.Integer({ minimum: 0, description: 'Index into sources' }), start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) })),
  },
  { $id: 'GroundedClaim', title: 'GroundedClaim', description: 'One claim of a response checked against the sources; CONTRADICTED and UNSUPPORTED are flagged' },
);
export type GroundedClaim = Static<typeof GroundedClaim>;

export const GROUNDING_VERDICTS = ['CLEAN', 'SUSPICIOUS', 'HALLUCINATION'] as const;
export const GroundingVerdict = Type.Union(GROUNDING_VERDICTS.map((v) => Type.Literal(v)), { $id: 'GroundingVerdict', title: 'GroundingVerdict' });
export type GroundingVerdict = Static<typeof GroundingVerdict>;

/** A flagged claim as the PRD named it: where it is in the response, why, and how sure. */
export const FlaggedClaim = Type.Object(
  {
    claim: Type.String(),
    startIndex: Type.Integer({ minimum: 0 }),
    endIndex: Type.Integer({ minimum: 0 }),
    reason: Type.String(),
    confidence: Ratio,
    suggestedCorrection: Type.Optional(Type.String({ description: 'What the sources say instead, when they contradict it' })),
  },
  { $id: 'FlaggedClaim', title: 'FlaggedClaim' },
);
export type FlaggedClaim = Static<typeof FlaggedClaim>;

export const HallucinationCheck = Type.Object(
  {
    id: Id,
    agentId: Id,
    interactionId: Nullable(Type.String()),
    checkedAt: Timestamp,
    method: Type.Union([Type.Literal('rules'), Type.Literal('llm')], { description: 'rules: entities, numbers and dates matched against the sources; llm: the organisation\'s evaluator model judged each claim' }),
    verdict: GroundingVerdict,
    score: Type.Number({ minimum: 0, maximum: 1, description: 'Share of claims flagged, weighted by confidence (0: all supported)' }),
    claims: Type.Array(GroundedClaim),
    flaggedClaims: Type.Array(FlaggedClaim, { description: 'The CONTRADICTED and UNSUPPORTED claims' }),
    response: Nullable(Type.String({ description: 'The response checked (kept only with content capture on)' })),
  },
  { $id: 'HallucinationCheck', title: 'HallucinationCheck', description: 'A grounding check: each claim of a response against its sources' },
);
export type HallucinationCheck = Static<typeof HallucinationCheck>;

export const QUALITY_ALERT_TYPES = ['DRIFT', 'ERROR_RATE', 'GROUNDING'] as const;
export const QualityAlertType = Type.Union(QUALITY_ALERT_TYPES.map((t) => Type.Literal(t)), { $id: 'QualityAlertType', title: 'QualityAlertType' });
export type QualityAlertType = Static<typeof QualityAlertType>;

export const QualityAlert = Type.Object(
  {
    id: Id,
    agentId: Id,
    type: QualityAlertType,
    severity: Severity,
    metric: Type.String({ description: 'The drift metric, error_rate, or grounding_failure_rate' }),
    threshold: Type.Number(),
    actualValue: Type.Number(),
    message: Type.String(),
    status: AlertStatus,
    sourceId: Nullable(Type.String({ description: 'The drift event that raised it, when one did' })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    acknowledgedAt: Nullable(Timestamp),
    acknowledgedBy: Nullable(Type.String()),
    resolvedAt: Nullable(Timestamp),
    resolvedBy: Nullable(Type.String({ description: 'A person, or "system" when the condition cleared' })),
    note: Type.String(),
  },
  { $id: 'QualityAlert', title: 'QualityAlert' },
);
export type QualityAlert = Static<typeof QualityAlert>;

/** How sensitive drift detection is and what else the quality monitor watches; org defaults, per-agent overrides. */
export const QualitySettings = Type.Object(
  {
    baselineHours: Type.Integer({ minimum: 1, maximum: 2160, description: 'Baseline window, ending where the current one starts (default 168: the previous 7 days)' }),
    currentHours: Type.Integer({ minimum: 1, maximum: 720, description: 'Current window, ending now (default 24)' }),
    sigma: Type.Number({ minimum: 0.5, maximum: 20, description: 'Mean shift, in baseline standard deviations, that is drift' }),
    psi: Type.Number({ minimum: 0.01, maximum: 5, description: 'Population stability index that is drift (0.1 some change, 0.25 a large one)' }),
    minSamples: Type.Integer({ minimum: 5, maximum: 100000, description: 'Requests each window needs before drift is judged' }),
    // Above 0: a threshold of 0 raised an alert on a 0% rate, which no traffic could ever clear.
    errorRateThreshold: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Share of pushed requests failed over the current window that raises an alert (above 0)' }),
    groundingFailureThreshold: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Share of grounding checks found HALLUCINATION over the current window that raises an alert (above 0)' }),
    groundingSampleRate: Type.Number({ minimum: 0, maximum: 1, description: 'Share of pushed interactions carrying retrieved context that are grounding-checked (content capture on)' }),
  },
  { $id: 'QualitySettings', title: 'QualitySettings', additionalProperties: false },
);
export type QualitySettings = Static<typeof QualitySettings>;

/** The evaluator model an organisation chose for the LLM judge: one of its OpenAI or Anthropic connections. */
export const EvaluatorModel = Type.Object(
  { connectionId: Id, model: Type.String({ minLength: 1, maxLength: 255 }) },
  { $id: 'EvaluatorModel', title: 'EvaluatorModel', additionalProperties: false },
);
export type EvaluatorModel = Static<typeof EvaluatorModel>;
