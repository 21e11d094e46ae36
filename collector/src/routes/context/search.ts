import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ContextReindexStatus, ContextSearchQuery, ContextSearchResult, Responses, SuccessEnvelope } from '@ai-arm/schemas';
import { requireRole } from '../../auth/principal';
import type { ContextReindex } from '../../context/index/reindex';
import type { ContextIndex } from '../../context/index/service';
import { ApiError } from '../../errors';

/** GET /api/v1/context/search: semantic similarity and keyword match, filters inside the index query. */
export const contextSearchRoutes: FastifyPluginAsyncTypebox<{ index: ContextIndex; reindex: ContextReindex }> = async (app, { index, reindex }) => {
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

  app.get(
    '/api/v1/context/reindex',
    { schema: { description: "The organisation's latest reindex run: how many items it found without a vector of the current embedding model, and how many it has embedded. Every role.", response: Responses({ 200: SuccessEnvelope(ContextReindexStatus) }) } },
    async (request) => ({ success: true as const, data: reindex.status(request.organizationId) }),
  );

  app.post(
    '/api/v1/context/reindex',
    {
      schema: {
        description:
          'Embeds, in the background, every item without a vector of the current embedding model (after a model change, or items a shutdown left unembedded); a run under way is not doubled. 202 with its status; GET follows it. Admins.',
        response: Responses({ 202: SuccessEnvelope(ContextReindexStatus) }),
      },
    },
    async (request, reply) => {
      requireRole(request.principal, 'admin');
      return reply.code(202).send({ success: true as const, data: reindex.start(request.organizationId) });
    },
  );
};
