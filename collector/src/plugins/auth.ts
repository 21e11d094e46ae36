import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './http-app';
import { checkSameOrigin } from '../auth/csrf';
import { INGEST_CALLS, keyRoleAllows, keyRoleReach } from '../auth/grafana-role';
import { bearerToken } from '../auth/headers';
import type { Principal } from '../auth/principal';
import type { RateLimiter } from '../auth/rate-limit';
import { ApiError } from '../errors';
import { asTenant } from '../stores/tenant-scope';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts as; set before any handler of a non-public route runs. */
    principal: Principal;
    /** The organisation every query of this request is scoped to (the principal's). */
    organizationId: string;
  }
  interface FastifyContextConfig {
    /** Served without credentials (health, metrics, login). */
    public?: boolean;
  }
}

export type Authenticator = (request: FastifyRequest) => Promise<Principal | null>;

/**
 * Every route but the public ones needs an API key (`Authorization: Bearer arm_sk_live_...`)
 * or a session cookie; the principal found sets the organisation and the role, and a `grafana`
 * key is held to the Grafana app's calls. Callers are rate limited per key or user. A change made
 * with the session cookie must come from the collector's own origin or `allowedOrigins` (CSRF).
 */
/**
 * Rate limits per caller: `api` for the API, `ingest` for the telemetry receivers (INGEST_CALLS),
 * whose exporters send far more requests than a person or a script, and whose budget must not be
 * spent by them.
 */
export interface RateLimits {
  api: RateLimiter;
  ingest: RateLimiter;
}

export function registerAuth(app: App, authenticate: Authenticator, limits: RateLimits, allowedOrigins: readonly string[] = []): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.decorateRequest('organizationId', '');
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // Unknown paths fall through to the 404 handler; the API docs are public.
    if (!request.routeOptions.url || request.routeOptions.config.public || request.routeOptions.url.startsWith('/api/docs')) return;
    const principal = await authenticate(request);
    if (!principal) throw new ApiError('UNAUTHENTICATED', 'send an API key as `Authorization: Bearer arm_sk_live_...`, or sign in with POST /api/auth/login');
    request.principal = principal;
    request.organizationId = principal.organizationId;
    if (principal.actorType === 'USER' && bearerToken(request) === null) checkSameOrigin(request, allowedOrigins);
    const route = `${request.method} ${request.routeOptions.url}`;
    const wait = (INGEST_CALLS.has(route) ? limits.ingest : limits.api).take(`${principal.actorType}:${principal.actorId}`);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new ApiError('RATE_LIMITED', `too many requests from this ${principal.actorType === 'API_KEY' ? 'API key' : 'user'}; retry in ${wait} s`, { retryAfterSeconds: wait });
    }
    // A key made for Grafana reaches only the calls the Grafana app makes; an ingest key only the receivers.
    if (!keyRoleAllows(principal.role, request.method, request.routeOptions.url)) {
      throw new ApiError('FORBIDDEN', `a ${principal.role} key reaches only ${keyRoleReach(principal.role)}, not ${route}`, { actual: principal.role, route });
    }
  });
  // The rest of the request (its handler and what that awaits) acts for the caller's
  // organisation and no other: the stores enforce it on every statement. Callback style,
  // because a scope entered inside an async hook would not reach the hooks after it.
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    if (request.organizationId) asTenant(request.organizationId, done);
    else done();
  });
}
