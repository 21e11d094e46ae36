import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Organization, Responses, SuccessEnvelope } from '@ai-arm/schemas';
import { audited } from '../audit/audited';
import { requireRole } from '../auth/principal';
import { ApiError } from '../errors';
import { OrganizationStore } from '../organizations/store';
import type { ControlPlaneDb } from '../stores/postgres/types';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const PatchOrg = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    settings: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    contentCapture: Type.Optional(Type.Boolean({ description: 'Store the message content of pushed interactions (masked of secrets and card numbers)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** The caller's own organisation; another organisation's id is not found, whoever asks. */
export const organizationRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb; changed?: (organizationId: string) => void }> = async (app, { controlPlane, changed }) => {
  const organizations = new OrganizationStore(controlPlane);
  const notFound = (id: string) => new ApiError('NOT_FOUND', `no organisation ${id}`);

  app.get('/api/v1/organizations/:id', { schema: { params: IdParams, response: Responses({ 200: SuccessEnvelope(Organization) }) } }, async (request) => {
    if (request.params.id !== request.organizationId) throw notFound(request.params.id);
    return { success: true as const, data: (await organizations.get(request.organizationId))! };
  });

  app.patch('/api/v1/organizations/:id', { schema: { params: IdParams, body: PatchOrg, description: 'Rename the organisation, replace its settings, or turn content capture on or off (admins)', response: Responses({ 200: SuccessEnvelope(Organization) }) } }, async (request) => {
    if (request.params.id !== request.organizationId) throw notFound(request.params.id);
    requireRole(request.principal, 'admin');
    const org = await audited(controlPlane, request, async (tx) => {
      const store = new OrganizationStore(tx);
      const before = (await store.get(request.organizationId))!;
      const after = (await store.update(request.organizationId, request.body))!;
      return { result: after, audit: { action: 'organization.update', resourceType: 'organization', resourceId: after.id, before, after } };
    });
    // Content capture applies to the next interaction, not after the pipeline's cache expires.
    changed?.(request.organizationId);
    return { success: true as const, data: org! };
  });
};
