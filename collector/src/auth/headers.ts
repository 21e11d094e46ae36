import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from './principal';

/**
 * The part of an HTTP request that carries credentials. Fastify's request has it; taking only
 * this keeps authentication and auditing free of the HTTP framework and of plugins/.
 */
export interface RequestHeaders {
  headers: IncomingHttpHeaders;
}

export const SESSION_COOKIE = 'arm_session';

export function bearerToken(request: RequestHeaders): string | null {
  const h = request.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : null;
}

export function sessionToken(request: RequestHeaders): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || null;
  }
  return null;
}

/** The header Grafana's plugin proxy sets to the signed-in user's login (`[dataproxy] send_user_header`). */
export const GRAFANA_USER_HEADER = 'x-grafana-user';

/**
 * The Grafana user an API-key request says it acts for. Grafana's proxy replaces whatever the
 * browser sent in this header, so it means something only as the word of the key's holder: taken
 * from key requests alone (a session is its user already), and recorded beside the key.
 */
export function grafanaUser(request: RequestHeaders & { principal?: Pick<Principal, 'actorType'> | null }): string | null {
  if (request.principal?.actorType !== 'API_KEY') return null;
  const h = request.headers[GRAFANA_USER_HEADER];
  const login = (Array.isArray(h) ? h[0] : h)?.trim();
  // eslint-disable-next-line no-control-regex
  return login && !/[\x00-\x1f\x7f]/.test(login) ? login.slice(0, 255) : null;
}
