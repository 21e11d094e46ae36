import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Me, Responses, Session, SignedOut, SuccessEnvelope } from '@ai-arm/schemas';
import { audited } from '../../audit/audited';
import { LoginThrottle, loginLimits } from '../../auth/login-throttle';
import { signIn } from '../../auth/sign-in';
import { ApiKeyStore, SessionStore, UserStore } from '../../auth/store';
import { ApiError } from '../../errors';
import { auditContext } from '../../audit/context';
import { SESSION_COOKIE, sessionToken } from '../../auth/headers';
import type { ControlPlaneDb } from '../../stores/postgres/types';

const Login = Type.Object({ email: Type.String({ format: 'email', maxLength: 255 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });

const cookie = (value: string, maxAgeSeconds: number) => `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${maxAgeSeconds}`;

/** Email and password sign-in for people; the session is an httpOnly cookie. */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb; sessionHours: number; loginAttemptsPerMinute: number }> = async (
  app,
  { controlPlane, sessionHours, loginAttemptsPerMinute },
) => {
  const users = new UserStore(controlPlane);
  const throttle = new LoginThrottle(loginLimits(loginAttemptsPerMinute));

  app.post('/api/auth/login', { config: { public: true }, schema: { body: Login, description: 'Sign in; sets the session cookie', response: Responses({ 200: SuccessEnvelope(Session) }) } }, async (request, reply) => {
    // request.ip is the peer, or the client a trusted proxy names (ARM_TRUST_PROXY).
    const email = request.body.email.toLowerCase();
    const wait = throttle.attempt(email, request.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new ApiError('RATE_LIMITED', `too many sign-in attempts; retry in ${wait} s`, { retryAfterSeconds: wait });
    }
    const signedIn = await signIn(controlPlane, request.body.email, request.body.password, sessionHours, auditContext(request));
    // A failure is counted already: attempt() took it ahead, and succeeded() gives it back.
    if (!signedIn) throw new ApiError('UNAUTHENTICATED', 'wrong email or password');
    throttle.succeeded(email, request.ip);
    reply.header('set-cookie', cookie(signedIn.token, sessionHours * 3600));
    return { success: true as const, data: { user: signedIn.user, expiresAt: signedIn.expiresAt.toISOString() } };
  });

  app.post('/api/auth/logout', { schema: { description: 'End the session of this cookie', response: Responses({ 200: SuccessEnvelope(SignedOut) }) } }, async (request, reply) => {
    const token = sessionToken(request);
    if (token) {
      await audited(controlPlane, request, async (tx) => {
        await new SessionStore(tx).remove(token);
        return { result: null, audit: { action: 'session.delete', resourceType: 'user', resourceId: request.principal.actorId } };
      });
    }
    reply.header('set-cookie', cookie('', 0));
    return { success: true as const, data: { signedOut: token !== null } };
  });

  app.get('/api/auth/me', { schema: { description: 'Who this request acts as: the user or API key, its role and organisation', response: Responses({ 200: SuccessEnvelope(Me) }) } }, async (request) => {
    const p = request.principal;
    const detail = p.actorType === 'USER' ? await users.get(p.organizationId, p.actorId) : p.actorType === 'API_KEY' ? await new ApiKeyStore(controlPlane).get(p.organizationId, p.actorId) : null;
    return { success: true as const, data: { organizationId: p.organizationId, role: p.role, actorType: p.actorType, actorId: p.actorId, name: p.actorName, detail } };
  });
};
