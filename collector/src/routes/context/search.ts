import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ContextIndex } from '../../context/index/service';

/** GET /api/v1/context/search: semantic similarity and keyword match, filters inside the index query. */
export const contextSearchRoutes: FastifyPluginAsyncTypebox<{ index: ContextIndex }> = async () => {};
