import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ContextExtraction } from '../../context/extract/service';
import type { ContextStore } from '../../context/items/store';
import type { ControlPlaneDb } from '../../stores/postgres/types';

/** The context vault's items (CRUD, filters), extraction on request, and the organisation's extractor and embedding settings. */
export const contextItemRoutes: FastifyPluginAsyncTypebox<{ store: ContextStore; extraction: ContextExtraction; controlPlane: ControlPlaneDb }> = async () => {};
