import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ContextSearchQuery, ContextSearchResult, Responses, SuccessEnvelope } from '@ai-arm/schemas';
import type { ContextIndex } from '../../context/index/service';
import { ApiError } from '../../errors';

/** GET /api/v1/context/search: semantic similarity and keyword match, filters inside the index query. */
export const contextSearchRoutes: FastifyPluginAsyncTypebox<{ index: ContextIndex }> = async (app, { index }) => {
  app.get(
    '/api/v1/context/search',
    {
      schema: {
        querystring: ContextSearchQuery,
        description:
          "Search the organisation's context by meaning and by words: items valid at validAt (default now), not superseded, optionally of one agent, type or user; each hit with its combined score, its similarity, the share of the query's words it holds and why it matched. Every role.",
        response: Responses({ 200: SuccessEnvelope(ContextSearchResult) }),
      },
    },
    async (request) => {
      if (request.query.q.trim() === '') throw new ApiError('VALIDATION_ERROR', 'q must hold something to look for, not only spaces', { field: 'querystring/q' });
      return { success: true as const, data: await index.search(request.organizationId, request.query) };
    },
  );
};
