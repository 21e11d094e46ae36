import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Deleted, Responses, Role, SuccessEnvelope, User } from '@ai-arm/schemas';
import { audited, auditedRemoval } from '../../audit/audited';
import { hashPassword, passwordProblems } from '../../auth/passwords';
import { requireRole } from '../../auth/principal';
import { SessionStore, UserStore } from '../../auth/store';
import { lockOrganization } from '../../audit/log';
import { ApiError } from '../../errors';
import type { ControlPlaneDb } from '../../stores/postgres/types';

const One = Responses({ 200: SuccessEnvelope(User) });
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Password = Type.String({ minLength: 1, maxLength: 256, description: 'At least 12 characters, three of: lower case, upper case, digits, symbols' });
const CreateUser = Type.Object(
  { email: Type.String({ format: 'email', maxLength: 255 }), name: Type.Optional(Type.String({ maxLength: 255 })), role: Role, password: Password },
  { additionalProperties: false },
);
const PatchUser = Type.Object(
  { name: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])), role: Type.Optional(Role), password: Type.Optional(Password) },
  { additionalProperties: false, minProperties: 1 },
);

function checkPassword(password: string, email: string): void {
  const problems = passwordProblems(password, email);
  if (problems.length > 0) throw new ApiError('VALIDATION_ERROR', `the password needs ${problems.join(', ')}`, { field: 'body/password', problems });
}

/** Users and their roles, managed by admins. An organisation always keeps one admin user. */
export const userRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb }> = async (app, { controlPlane }) => {
  const users = new UserStore(controlPlane);

  app.get('/api/v1/users', { schema: { description: "The organisation's users", response: Responses({ 200: SuccessEnvelope(Type.Array(User)) }) } }, async (request) => {
    requireRole(request.principal, 'admin');
    return { success: true as const, data: await users.list(request.organizationId) };
  });

  app.get('/api/v1/users/:id', { schema: { params: IdParams, response: One } }, async (request) => {
    requireRole(request.principal, 'admin');
    const user = await users.get(request.organizationId, request.params.id);
    if (!user) throw new ApiError('NOT_FOUND', `no user ${request.params.id}`);
    return { success: true as const, data: user };
  });

  app.post('/api/v1/users', { schema: { body: CreateUser, description: 'Add a user who signs in with email and password', response: Responses({ 201: SuccessEnvelope(User) }) } }, async (request, reply) => {
    requireRole(request.principal, 'admin');
    const { email, name, role, password } = request.body;
    checkPassword(password, email);
    const passwordHash = await hashPassword(password);
    const user = await audited(controlPlane, request, async (tx) => {
      const store = new UserStore(tx);
      if ((await store.withEmail(email)).some((u) => u.organizationId === request.organizationId)) throw new ApiError('CONFLICT', `a user with email ${email} exists`, { field: 'body/email' });
      const u = await store.create(request.organizationId, { email, name: name ?? null, role, passwordHash });
      return { result: u, audit: { action: 'user.create', resourceType: 'user', resourceId: u.id, after: u } };
    });
    return reply.code(201).send({ success: true as const, data: user! });
  });

  app.patch('/api/v1/users/:id', { schema: { params: IdParams, body: PatchUser, description: "Change a user's name, role or password", response: One } }, async (request) => {
    requireRole(request.principal, 'admin');
    const user = await audited(controlPlane, request, async (tx) => {
      await lockOrganization(tx, request.organizationId);
      const store = new UserStore(tx);
      const before = await store.get(request.organizationId, request.params.id);
      if (!before) return null;
      if (request.body.password !== undefined) checkPassword(request.body.password, before.email);
      if (before.role === 'admin' && request.body.role && request.body.role !== 'admin' && (await store.countAdmins(request.organizationId)) <= 1) {
        throw new ApiError('CONFLICT', 'this is the last admin: make another user admin first', { field: 'body/role' });
      }
      const passwordHash = request.body.password === undefined ? undefined : await hashPassword(request.body.password);
      const after = (await store.update(request.organizationId, request.params.id, { name: request.body.name, role: request.body.role, passwordHash }))!;
      // A new password ends every session the old one opened.
      if (passwordHash !== undefined) await new SessionStore(tx).removeForUser(after.id);
      return { result: after, audit: { action: 'user.update', resourceType: 'user', resourceId: after.id, before, after, metadata: { passwordChanged: passwordHash !== undefined } } };
    });
    if (!user) throw new ApiError('NOT_FOUND', `no user ${request.params.id}`);
    return { success: true as const, data: user };
  });

  app.delete('/api/v1/users/:id', { schema: { params: IdParams, response: Responses({ 200: SuccessEnvelope(Deleted) }) } }, async (request) => {
    requireRole(request.principal, 'admin');
    const removed = await auditedRemoval(controlPlane, request, request.params.id, {
      what: 'user',
      resourceType: 'user',
      find: async (tx, org, id) => {
        // Before counting admins, so two removals cannot both see another admin left.
        await lockOrganization(tx, org);
        return new UserStore(tx).get(org, id);
      },
      remove: async (tx, u) => {
        const store = new UserStore(tx);
        if (u.role === 'admin' && (await store.countAdmins(u.organizationId)) <= 1) throw new ApiError('CONFLICT', 'this is the last admin: make another user admin first');
        await store.remove(u.organizationId, u.id);
      },
    });
    return { success: true as const, data: { id: removed.id, deleted: true as const } };
  });
};
