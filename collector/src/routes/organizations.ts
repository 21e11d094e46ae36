import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Organization, Responses, SuccessEnvelope } from '@ai-arm/schemas';
import { audited } from '../audit/audited';
import { requireRole } from '../auth/principal';
import { ApiError } from '../errors';
import type { ControlPlaneDb, SqlExecutor } from '../stores/postgres/types';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const PatchOrg = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })), settings: Type.Optional(Type.Record(Type.String(), Type.Unknown())) },
  { additionalProperties: false, minProperties: 1 },
);

interface Row {
  id: string;
  name: string;
  slug: string;
  settings: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}
const toOrg = (r: Row): Organization => ({ id: r.id, name: r.name, slug: r.slug, settings: r.settings, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() });
const get = async (db: SqlExecutor, id: string) => (await db.query<Row>('SELECT * FROM organizations WHERE id = $1', [id])).map(toOrg)[0] ?? null;

/** The caller's own organisation; another organisation's id is not found, whoever asks. */
export const organizationRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb }> = async (app, { controlPlane }) => {
  const notFound = (id: string) => new ApiError('NOT_FOUND', `no organisation ${id}`);

  app.get('/api/v1/organizations/:id', { schema: { params: IdParams, response: Responses({ 200: SuccessEnvelope(Organization) }) } }, async (request) => {
    if (request.params.id !== request.organizationId) throw notFound(request.params.id);
    return { success: true as const, data: (await get(controlPlane, request.organizationId))! };
  });

  app.patch('/api/v1/organizations/:id', { schema: { params: IdParams, body: PatchOrg, description: 'Rename the organisation or replace its settings', response: Responses({ 200: SuccessEnvelope(Organization) }) } }, async (request) => {
    if (request.params.id !== request.organizationId) throw notFound(request.params.id);
    requireRole(request.principal, 'admin');
    const org = await audited(controlPlane, request, async (tx) => {
      const before = (await get(tx, request.organizationId))!;
      const [row] = await tx.query<Row>('UPDATE organizations SET name = coalesce($2, name), settings = coalesce($3, settings), updated_at = now() WHERE id = $1 RETURNING *', [
        request.organizationId, request.body.name ?? null, request.body.settings ? JSON.stringify(request.body.settings) : null,
      ]);
      const after = toOrg(row!);
      return { result: after, audit: { action: 'organization.update', resourceType: 'organization', resourceId: after.id, before, after } };
    });
    return { success: true as const, data: org! };
  });
};
