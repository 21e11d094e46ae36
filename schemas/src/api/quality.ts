/** Request and response shapes of the quality routes (/api/v1/quality/...): the collector validates and serialises with them, the plugin is typed from them. */
import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Timestamp } from '../common';
import { AlertStatus } from '../enums';
import { DriftEvent, EvaluatorModel, FeedbackLabel, QualityAlertType, QualityFigures, QualityPoint, QualitySettings } from '../entities/quality';
import { Interaction } from './interactions';
import { Inline } from './shared';

/** GET /api/v1/quality/:agentId/metrics: the window's figures, the same per version, and the trend. */
export const QualityMetricsResult = Type.Object(
  {
    agentId: Id,
    from: Timestamp,
    to: Timestamp,
    version: Nullable(Type.Integer({ minimum: 1, description: 'The version asked for; null: all of them' })),
    overall: Inline(QualityFigures),
    versions: Type.Array(Type.Intersect([Type.Object({ version: Nullable(Type.Integer({ minimum: 1 })), firstSeenAt: Nullable(Timestamp) }), Inline(QualityFigures)]), {
      description: 'The same figures for each version seen in the window, oldest first',
    }),
    step: Type.Union([Type.Literal('hour'), Type.Literal('day')], { description: 'Bucket of the trend: hours up to 3 days, days beyond' }),
    trend: Type.Array(Inline(QualityPoint)),
  },
  { title: 'QualityMetricsResult' },
);
export type QualityMetricsResult = Static<typeof QualityMetricsResult>;

/** POST /api/v1/quality/:agentId/feedback, from an application (API key) or a person (Grafana, a session). */
export const FeedbackInput = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Your id for it: sending it again stores it once' })),
    interactionId: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'The interaction it is about' })),
    rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: '1 (poor) to 5 (excellent)' })),
    label: Type.Optional(FeedbackLabel),
    comment: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { title: 'FeedbackInput', additionalProperties: false, minProperties: 1 },
);
export type FeedbackInput = Static<typeof FeedbackInput>;

export const PageMetaCursor = Type.Object(
  { nextCursor: Nullable(Type.String({ description: 'Pass as cursor for the next page; null on the last' })), limit: Type.Integer({ minimum: 1 }) },
  { title: 'QualityPageMeta' },
);

/** A response and what it should rest on. Sources must not be empty: there is nothing to ground against. */
export const GroundingRequest = Type.Object(
  {
    response: Type.String({ minLength: 1, maxLength: 65_536, description: 'The answer to check (64 KiB at most)' }),
    sources: Type.Array(Type.String({ minLength: 1, maxLength: 262_144 }), { minItems: 1, maxItems: 50, description: 'The grounding documents: retrieved passages, tool results' }),
    interactionId: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'The interaction the response came from' })),
    judge: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('rules'), Type.Literal('llm')], { description: "auto (default): the organisation's evaluator model when one is configured, else rules" })),
  },
  { title: 'GroundingRequest', additionalProperties: false },
);
export type GroundingRequest = Static<typeof GroundingRequest>;

export const QualityAlertAction = Type.Object({ note: Type.Optional(Type.String({ maxLength: 4000 })) }, { title: 'QualityAlertAction', additionalProperties: false });
export type QualityAlertAction = Static<typeof QualityAlertAction>;

export const QualityAlertQuery = Type.Object(
  {
    status: Type.Optional(AlertStatus),
    type: Type.Optional(QualityAlertType),
    agentId: Type.Optional(Type.String({ format: 'uuid' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { title: 'QualityAlertQuery', additionalProperties: false },
);

/** The organisation's quality settings and each agent's overrides; every field of an override is optional. */
export const QualitySettingsView = Type.Object(
  {
    defaults: Inline(QualitySettings),
    organization: Inline(QualitySettings),
    evaluator: Nullable(Inline(EvaluatorModel)),
    agents: Type.Array(Type.Object({ agentId: Id, overrides: Type.Partial(Inline(QualitySettings)), effective: Inline(QualitySettings) })),
  },
  { title: 'QualitySettingsView' },
);
export type QualitySettingsView = Static<typeof QualitySettingsView>;

export const QualitySettingsPatch = Type.Partial(Type.Object({ ...Inline(QualitySettings).properties, evaluator: Nullable(Inline(EvaluatorModel)) }), {
  title: 'QualitySettingsPatch',
  additionalProperties: false,
  minProperties: 1,
});
export type QualitySettingsPatch = Static<typeof QualitySettingsPatch>;

const settingsProps = Inline(QualitySettings).properties;
/** An agent's overrides: a value sets one, null removes it (the organisation's value applies again). */
export const AgentQualitySettingsPatch = Type.Partial(
  Type.Object({
    baselineHours: Nullable(settingsProps.baselineHours),
    currentHours: Nullable(settingsProps.currentHours),
    sigma: Nullable(settingsProps.sigma),
    psi: Nullable(settingsProps.psi),
    minSamples: Nullable(settingsProps.minSamples),
    errorRateThreshold: Nullable(settingsProps.errorRateThreshold),
    groundingFailureThreshold: Nullable(settingsProps.groundingFailureThreshold),
    groundingSampleRate: Nullable(settingsProps.groundingSampleRate),
  }),
  { title: 'AgentQualitySettingsPatch', additionalProperties: false, minProperties: 1 },
);
export type AgentQualitySettingsPatch = Static<typeof AgentQualitySettingsPatch>;

/** GET /api/v1/quality/report: one row per agent over the window. */
export const QualityReportRow = Type.Object(
  {
    agentId: Id,
    name: Type.String(),
    vendor: Type.String(),
    figures: Inline(QualityFigures),
    driftEvents: Type.Integer({ minimum: 0 }),
    groundingChecks: Type.Integer({ minimum: 0 }),
    hallucinations: Type.Integer({ minimum: 0 }),
    openAlerts: Type.Integer({ minimum: 0 }),
  },
  { title: 'QualityReportRow' },
);
export const QualityReport = Type.Object({ from: Timestamp, to: Timestamp, agents: Type.Array(QualityReportRow) }, { title: 'QualityReport' });
export type QualityReport = Static<typeof QualityReport>;

/** GET /api/v1/quality/:agentId/drift/:id: the event and the sample interactions that show it. */
export const DriftEventDetail = Type.Object(
  { event: Inline(DriftEvent), interactions: Type.Array(Inline(Interaction), { description: "The event's sample interactions still stored, in the event's order" }) },
  { title: 'DriftEventDetail' },
);
export type DriftEventDetail = Static<typeof DriftEventDetail>;
