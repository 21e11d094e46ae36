import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Feedback, FeedbackInput, PageMetaCursor, QualityMetricsResult, QualityReport, Responses, SuccessEnvelope, Timestamp } from '@ai-arm/schemas';
import { AgentStore } from '../../agents/store';
import { requireRole } from '../../auth/principal';
import { ApiError } from '../../errors';
import { decodeCursor } from '../../interactions/reads';
import { feedbackAuthor } from '../../quality/feedback/author';
import { listFeedback, recordFeedback } from '../../quality/feedback/store';
import { qualityMetrics } from '../../quality/figures/metrics';
import { qualityReport } from '../../quality/report';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import { MAX_WINDOW_DAYS, requestWindow } from '../window';

const AgentParams = Type.Object({ agentId: Type.String({ format: 'uuid' }) });
const Window = (defaultSpan: string) => ({
  from: Type.Optional({ ...Timestamp, description: `Start of the window (inclusive); default ${defaultSpan} before \`to\`` }),
  to: Type.Optional({ ...Timestamp, description: 'End of the window (exclusive); default now' }),
});
const MetricsQuery = Type.Object({
  ...Window('24 hours'),
  version: Type.Optional(Type.Integer({ minimum: 1, description: "One of the agent's versions (GET /api/v1/agents/:id/versions); default all" })),
});
const ReportQuery = Type.Object(Window('7 days'));
const FeedbackQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 1024, description: 'meta.nextCursor of the previous page' })),
});
const HOUR_MS = 3_600_000;

/** Quality figures of an agent (GET /api/v1/quality/:agentId/metrics), feedback on its answers, and the per-agent report. */
export const qualityMetricsRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb; telemetry: TelemetryDb; now: () => Date }> = async (app, { controlPlane, telemetry, now }) => {
  const agents = new AgentStore(controlPlane);
  const agentOf = async (org: string, id: string) => {
    if (!(await agents.get(org, id))) throw new ApiError('NOT_FOUND', `no agent ${id}`);
  };
  const windowOf = (q: { from?: string; to?: string }, spanMs: number) => requestWindow(q, now(), spanMs, MAX_WINDOW_DAYS);

  // Static, so the router matches it before any /api/v1/quality/:agentId/... route (those have a segment more anyway).
  app.get(
    '/api/v1/quality/report',
    { schema: { querystring: ReportQuery, description: "Every agent that served requests in the window (default the last 7 days): its quality figures, drift events, grounding checks and hallucinations found, and its open quality alerts", response: Responses({ 200: SuccessEnvelope(QualityReport) }) } },
    async (request) => ({ success: true as const, data: await qualityReport(telemetry, controlPlane, { organizationId: request.organizationId, ...windowOf(request.query, 7 * 24 * HOUR_MS) }) }),
  );

  app.get(
    '/api/v1/quality/:agentId/metrics',
    {
      schema: {
        params: AgentParams,
        querystring: MetricsQuery,
        description: "An agent's quality over a window (default the last 24 hours): latency, error and refusal rates, tokens, answer length, task completion, satisfaction and consistency; the same per version seen, and the trend by hour (windows up to 3 days) or day",
        response: Responses({ 200: SuccessEnvelope(QualityMetricsResult) }),
      },
    },
    async (request) => {
      await agentOf(request.organizationId, request.params.agentId);
      const window = windowOf(request.query, 24 * HOUR_MS);
      const data = await qualityMetrics(telemetry, controlPlane, { organizationId: request.organizationId, agentId: request.params.agentId, ...window, version: request.query.version ?? null });
      return { success: true as const, data };
    },
  );

  app.post(
    '/api/v1/quality/:agentId/feedback',
    {
      schema: {
        params: AgentParams,
        body: FeedbackInput,
        description: 'Feedback on the agent (a rating 1-5, a label, a comment), optionally on one of its interactions; from an application or a person. Sending the same id again replaces it.',
        response: Responses({ 201: SuccessEnvelope(Feedback) }),
      },
    },
    async (request, reply) => {
      requireRole(request.principal, 'member');
      const { rating, label, comment } = request.body;
      if (rating === undefined && label === undefined && !comment?.trim()) throw new ApiError('VALIDATION_ERROR', 'feedback needs a rating, a label or a comment', { field: 'body' });
      await agentOf(request.organizationId, request.params.agentId);
      const feedback = await recordFeedback(telemetry, request.organizationId, request.params.agentId, request.body, feedbackAuthor(request), now());
      return reply.code(201).send({ success: true as const, data: feedback });
    },
  );

  app.get(
    '/api/v1/quality/:agentId/feedback',
    { schema: { params: AgentParams, querystring: FeedbackQuery, description: "The agent's feedback, newest first, a page at a time", response: Responses({ 200: SuccessEnvelope(Type.Array(Feedback), PageMetaCursor) }) } },
    async (request) => {
      const { limit = 50, cursor } = request.query;
      await agentOf(request.organizationId, request.params.agentId);
      const after = cursor ? decodeCursor(cursor) : null;
      if (cursor && !after) throw new ApiError('VALIDATION_ERROR', 'cursor is not one this API gave out', { field: 'querystring/cursor' });
      const page = await listFeedback(telemetry, request.organizationId, request.params.agentId, limit, after);
      return { success: true as const, data: page.items, meta: { limit, nextCursor: page.nextCursor } };
    },
  );
};
