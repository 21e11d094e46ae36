import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ComplianceReport, ComplianceReportCsv, Inline, Responses, SuccessEnvelope, Timestamp } from '@ai-arm/schemas';
import { requireRole } from '../../auth/principal';
import type { Config } from '../../config/env';
import { ApiError } from '../../errors';
import { reportCsv } from '../../governance/report/csv';
import { complianceReport } from '../../governance/report/report';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import { MAX_WINDOW_DAYS, requestWindow } from '../window';

const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;
const CSV = 'text/csv; charset=utf-8';

const Query = Type.Object({
  from: Type.Optional({ ...Timestamp, description: `Start of the window (inclusive), on when violations occurred; default ${DEFAULT_DAYS} days before \`to\`` }),
  to: Type.Optional({ ...Timestamp, description: 'End of the window (exclusive); default now' }),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json', description: 'json: the envelope; csv: one section per table' })),
});

/** The success answer in the format asked for: the JSON envelope, or the CSV sections. */
// Inline: Severity appears twice in the report (by policy, by severity), and one $id twice is ambiguous to the serialiser.
const ReportAnswer = Type.Unsafe<unknown>({
  description: 'The compliance report: the JSON envelope (format=json), or CSV with one section per table (format=csv)',
  content: { 'application/json': { schema: Inline(SuccessEnvelope(ComplianceReport)) }, ...(ComplianceReportCsv as unknown as { content: Record<string, unknown> }).content },
});

/**
 * GET /api/v1/governance/report: the compliance report, JSON or CSV. Admins only: it names
 * users and keys, and walks the audit chain.
 */
export const complianceReportRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb; telemetry: TelemetryDb; audit: Config['audit']; now: () => Date }> = async (
  app,
  { controlPlane, telemetry, audit, now },
) => {
  app.get(
    '/api/v1/governance/report',
    {
      schema: {
        querystring: Query,
        description: 'Violations by policy and severity with their review, time to review, the audit chain verified, the age of each connection\'s credential, API keys unused and users without a sign-in in 90 days',
        response: Responses({ 200: ReportAnswer }),
      },
    },
    async (request, reply) => {
      requireRole(request.principal, 'admin');
      const at = now();
      const { from, to } = requestWindow(request.query, at, DEFAULT_DAYS * DAY_MS, MAX_WINDOW_DAYS);
      const report = await complianceReport({ controlPlane, telemetry, auditKey: audit.hmacKey }, { organizationId: request.organizationId, from, to }, at);
      if (request.query.format === 'csv') {
        reply.type(CSV);
        reply.header('content-disposition', `attachment; filename="compliance-report-${fileDate(from)}-${fileDate(to)}.csv"`);
        return reportCsv(report);
      }
      reply.type('application/json; charset=utf-8');
      return { success: true as const, data: report };
    },
  );
};

const fileDate = (d: Date) => d.toISOString().slice(0, 10);
