import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiKey, CreatedApiKey, KeyRole, Responses, SuccessEnvelope } from '@ai-arm/schemas';
import { audited } from '../../audit/audited';
import { requireRole } from '../../auth/principal';
import { ApiKeyStore } from '../../auth/store';
import { ApiError } from '../../errors';
import type { ControlPlaneDb } from '../../stores/postgres/types';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const CreateKey = Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }), role: KeyRole }, { additionalProperties: false });

/** API keys: admins create (the key is in that one response only), list and revoke them. */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb }> = async (app, { controlPlane }) => {
  const keys = new ApiKeyStore(controlPlane);

  app.get('/api/v1/api-keys', { schema: { description: "The organisation's API keys (never the keys themselves)", response: Responses({ 200: SuccessEnvelope(Type.Array(ApiKey)) }) } }, async (request) => {
    requireRole(request.principal, 'admin');
    return { success: true as const, data: await keys.list(request.organizationId) };
  });

  app.post('/api/v1/api-keys', { schema: { body: CreateKey, description: 'Create an API key; `key` is shown in this response only', response: Responses({ 201: SuccessEnvelope(CreatedApiKey) }) } }, async (request, reply) => {
    requireRole(request.principal, 'admin');
    const createdBy = request.principal.actorType === 'USER' ? request.principal.actorId : null;
    const created = await audited(controlPlane, request, async (tx) => {
      const c = await new ApiKeyStore(tx).create(request.organizationId, request.body.name, request.body.role, createdBy);
      return { result: c, audit: { action: 'api_key.create', resourceType: 'api_key', resourceId: c.apiKey.id, after: c.apiKey } };
    });
    return reply.code(201).send({ success: true as const, data: { ...created!.apiKey, key: created!.key } });
  });

  app.delete('/api/v1/api-keys/:id', { schema: { params: IdParams, description: 'Revoke an API key; it stops working at once', response: Responses({ 200: SuccessEnvelope(ApiKey) }) } }, async (request) => {
    requireRole(request.principal, 'admin');
    const revoked = await audited(controlPlane, request, async (tx) => {
      const store = new ApiKeyStore(tx);
      const before = await store.get(request.organizationId, request.params.id);
      if (!before) return null;
      const after = (await store.revoke(request.organizationId, request.params.id))!;
      return { result: after, audit: { action: 'api_key.revoke', resourceType: 'api_key', resourceId: after.id, before, after } };
    });
    if (!revoked) throw new ApiError('NOT_FOUND', `no API key ${request.params.id}`);
    // Again after the commit: a request in between may have cached the key once more.
    ApiKeyStore.forget(revoked.id);
    return { success: true as const, data: revoked };
  });
};
