import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';

/** Quality figures of an agent (GET /api/v1/quality/:agentId/metrics), feedback on its answers, and the per-agent report. */
export const qualityMetricsRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb; telemetry: TelemetryDb; now: () => Date }> = async () => {};
