import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ContextPortability } from '../../context/portability/service';

/** Export, import, transfer, preferences and their injection into vendor agents (with undo). */
export const contextPortabilityRoutes: FastifyPluginAsyncTypebox<{ portability: ContextPortability }> = async () => {};
