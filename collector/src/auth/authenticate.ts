import { API_KEY_PATTERN } from '../config/api-key-format';
import type { SqlExecutor } from '../stores/postgres/types';
import { bearerToken, sessionToken, type RequestHeaders } from './headers';
import type { Principal } from './principal';
import { ApiKeyStore, SessionStore } from './store';

/** API key first (scripts, the Grafana plugin's proxy), then the browser's session cookie. */
export function credentialAuthenticator(db: SqlExecutor): (request: RequestHeaders) => Promise<Principal | null> {
  const keys = new ApiKeyStore(db);
  const sessions = new SessionStore(db);
  return async (request) => {
    const bearer = bearerToken(request);
    if (bearer !== null) return API_KEY_PATTERN.test(bearer) ? keys.authenticate(bearer) : null;
    const cookie = sessionToken(request);
    return cookie ? sessions.authenticate(cookie) : null;
  };
}
