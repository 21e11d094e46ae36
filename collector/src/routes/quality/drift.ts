import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { DriftEvent } from '@ai-arm/schemas';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';

/**
 * An agent's drift events, one with its sample interactions, and a check on demand. `check` is the
 * quality monitor's (it stores the events, counts them and raises alerts), so the route does what
 * a scheduled run does.
 */
export const driftRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb; telemetry: TelemetryDb; now: () => Date; check: (organizationId: string, agentId: string) => Promise<DriftEvent[]> }> = async () => {};
