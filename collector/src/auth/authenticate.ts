import type { FastifyRequest } from 'fastify';
import { bearerToken, sessionToken, type Authenticator } from '../plugins/auth';
import type { SqlExecutor } from '../stores/postgres/types';
import type { Principal } from './principal';
import { ApiKeyStore, SessionStore } from './store';
import { API_KEY_PATTERN } from './tokens';

/** API key first (scripts, the Grafana plugin's proxy), then the browser's session cookie. */
export function credentialAuthenticator(db: SqlExecutor): Authenticator {
  const keys = new ApiKeyStore(db);
  const sessions = new SessionStore(db);
  return async (request: FastifyRequest): Promise<Principal | null> => {
    const bearer = bearerToken(request);
    if (bearer !== null) return API_KEY_PATTERN.test(bearer) ? keys.authenticate(bearer) : null;
    const cookie = sessionToken(request);
    return cookie ? sessions.authenticate(cookie) : null;
  };
}
