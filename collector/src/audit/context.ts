import { grafanaUser, type RequestHeaders } from '../auth/headers';
import type { Principal } from '../auth/principal';
import type { AuditContext } from './log';

/**
 * What an audited change needs of the HTTP request that asked for it: who (set by the auth
 * plugin), from where, and which request. Fastify's request satisfies it as it is.
 */
export interface AuditedRequest extends RequestHeaders {
  principal: Principal;
  /** The organisation the request acts for (the principal's). */
  organizationId: string;
  ip?: string;
  id: string;
}

export const auditContext = (request: AuditedRequest): AuditContext => ({
  principal: request.principal,
  ipAddress: request.ip ?? null,
  userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'].slice(0, 512) : null,
  requestId: String(request.id),
  grafanaUser: grafanaUser(request),
});
