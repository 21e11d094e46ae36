import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Context, ContextInput, ContextListQuery, ContextPageMeta, ContextPatch, ContextSettings, ContextSettingsPatch, Deleted, ExtractRequest, ExtractResult, Responses, SuccessEnvelope } from '@ai-arm/schemas';
import { requireRole } from '../../auth/principal';
import type { ContextExtraction } from '../../context/extract/service';
import type { ContextStore } from '../../context/items/store';
import { ContextSettingsStore } from '../../context/settings';
import { ApiError } from '../../errors';
import type { ControlPlaneDb } from '../../stores/postgres/types';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** The context vault's items (CRUD, filters), extraction on request, and the organisation's extractor and embedding settings. */
export const contextItemRoutes: FastifyPluginAsyncTypebox<{ store: ContextStore; extraction: ContextExtraction; controlPlane: ControlPlaneDb; embeddingsChanged: (organizationId: string) => void }> = async (
  app,
  { store, extraction, controlPlane, embeddingsChanged },
) => {
  const settings = new ContextSettingsStore(controlPlane);
  const One = Responses({ 200: SuccessEnvelope(Context) });

  app.get(
    '/api/v1/context',
    { schema: { querystring: ContextListQuery, description: "The organisation's context items, newest first, a page at a time; filter by agent, type, user, tag and validity (superseded items only when asked)", response: Responses({ 200: SuccessEnvelope(Type.Array(Context), ContextPageMeta) }) } },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const page = await store.list(request.organizationId, { ...request.query, limit });
      return { success: true as const, data: page.items, meta: { limit, nextCursor: page.nextCursor } };
    },
  );

  app.post(
    '/api/v1/context',
    { schema: { body: ContextInput, description: 'Add an item by hand (source MANUAL); one that says what an item of the agent already says is merged into it (200), else created (201). A preference or instruction with a key supersedes the older one. Members and admins; audited.', response: Responses({ 200: SuccessEnvelope(Context), 201: SuccessEnvelope(Context) }) } },
    async (request, reply) => {
      requireRole(request.principal, 'member');
      const item = await store.create(request, request.body);
      return reply.code(item.mergedCount > 1 ? 200 : 201).send({ success: true as const, data: item });
    },
  );

  app.post(
    '/api/v1/context/extract',
    { schema: { body: ExtractRequest, description: "Extract context from stored interactions (their content is kept only with content capture on) by the organisation's extractor model or the rules; dryRun shows the plan without storing it. Members and admins.", response: Responses({ 200: SuccessEnvelope(ExtractResult) }) } },
    async (request) => {
      requireRole(request.principal, 'member');
      return { success: true as const, data: await extraction.extract(request, request.body) };
    },
  );

  app.get('/api/v1/context/settings', { schema: { description: "The organisation's extractor and embedding models (null: the rules extractor, the offline MiniLM embeddings)", response: Responses({ 200: SuccessEnvelope(ContextSettings) }) } }, async (request) => ({
    success: true as const,
    data: await settings.get(request.organizationId),
  }));

  app.patch(
    '/api/v1/context/settings',
    { schema: { body: ContextSettingsPatch, description: 'Set the extractor (an OpenAI or Anthropic connection and model) or the embedding model (an OpenAI connection); null turns one off. Admins; audited.', response: Responses({ 200: SuccessEnvelope(ContextSettings) }) } },
    async (request) => {
      requireRole(request.principal, 'admin');
      const { before, after } = await settings.patch(request, request.body);
      // Another model's vectors live in another table: every item is embedded again, in the background.
      if (JSON.stringify(before.embeddings) !== JSON.stringify(after.embeddings)) embeddingsChanged(request.organizationId);
      return { success: true as const, data: after };
    },
  );

  app.get('/api/v1/context/:id', { schema: { params: IdParams, description: 'One context item (superseded ones too; deleted ones are gone)', response: One } }, async (request) => {
    const item = await store.get(request.organizationId, request.params.id);
    if (!item) throw new ApiError('NOT_FOUND', `no context item ${request.params.id}`);
    return { success: true as const, data: item };
  });

  app.patch('/api/v1/context/:id', { schema: { params: IdParams, body: ContextPatch, description: 'Edit an item (content, type, key, confidence, user, validity, tags, metadata). Members and admins; audited.', response: One } }, async (request) => {
    requireRole(request.principal, 'member');
    return { success: true as const, data: await store.update(request, request.params.id, request.body) };
  });

  app.delete('/api/v1/context/:id', { schema: { params: IdParams, description: 'Delete an item. Members and admins; audited.', response: Responses({ 200: SuccessEnvelope(Deleted) }) } }, async (request) => {
    requireRole(request.principal, 'member');
    const removed = await store.remove(request, request.params.id);
    return { success: true as const, data: { id: removed.id, deleted: true as const } };
  });
};
