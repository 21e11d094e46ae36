import { ApiError } from '../errors';
import type { RequestHeaders } from './headers';

/** What the check needs of a request; Fastify's request has it (host and protocol per ARM_TRUST_PROXY). */
export interface OriginRequest extends RequestHeaders {
  method: string;
  protocol: string;
  host: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const header = (request: RequestHeaders, name: string): string | null => {
  const h = request.headers[name];
  const v = Array.isArray(h) ? h[0] : h;
  return v && v.trim() !== '' ? v.trim() : null;
};

function originOf(value: string): string | null {
  try {
    const o = new URL(value).origin;
    return o === 'null' ? null : o;
  } catch {
    return null;
  }
}

/**
 * Refuses a cross-site change made with the session cookie (OWASP: verify the origin with
 * standard headers). Browsers send Origin on every POST, PUT, PATCH and DELETE, bodiless ones
 * too, and a page cannot forge it; Referer stands in when a privacy setting drops Origin. A
 * cookie request with neither is refused: a script can send Origin itself. API keys are not
 * sent by browsers on their own, so key requests need no check.
 */
export function checkSameOrigin(request: OriginRequest, allowedOrigins: readonly string[]): void {
  if (SAFE_METHODS.has(request.method)) return;
  // request.protocol and request.host follow X-Forwarded-Proto/Host only under ARM_TRUST_PROXY.
  const own = originOf(`${request.protocol}://${request.host}`) ?? `${request.protocol}://${request.host}`;
  const origin = header(request, 'origin');
  const referer = header(request, 'referer');
  const claimed = origin !== null ? originOf(origin) : referer !== null ? originOf(referer) : null;
  if (claimed !== null && (claimed === own || allowedOrigins.includes(claimed))) return;
  throw new ApiError(
    'FORBIDDEN',
    origin === null && referer === null
      ? `a ${request.method} with the session cookie needs an Origin header naming this collector (${own})`
      : `a ${request.method} with the session cookie from another site is refused: ${claimed ?? 'an opaque origin'} is not ${own} or in ARM_ALLOWED_ORIGINS`,
    { origin: claimed, expected: [own, ...allowedOrigins] },
  );
}
