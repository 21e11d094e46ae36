import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../../config/env';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';

/** GET /api/v1/governance/report: the compliance report, JSON or CSV. */
export const complianceReportRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb; telemetry: TelemetryDb; audit: Config['audit']; now: () => Date }> = async () => {};
