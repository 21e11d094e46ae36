import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { GroundingService } from '../../quality/grounding/service';

/** Grounding checks: POST /api/v1/quality/:agentId/evaluate and the findings so far. */
export const groundingRoutes: FastifyPluginAsyncTypebox<{ grounding: GroundingService }> = async () => {};
