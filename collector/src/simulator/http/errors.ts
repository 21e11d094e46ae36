import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { SimVendor } from '../catalog';

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};
const OPENAI_TYPES: Record<number, [string, string | null]> = {
  400: ['invalid_request_error', null],
  401: ['invalid_request_error', 'invalid_api_key'],
  404: ['invalid_request_error', null],
  429: ['requests', 'rate_limit_exceeded'],
  500: ['server_error', null],
  503: ['server_error', null],
};

/** Each vendor's own error body, so the SDKs raise the exception they would in production. */
export function vendorError(reply: FastifyReply, vendor: SimVendor, status: number, message: string, param: string | null = null) {
  if (vendor === 'anthropic') {
    const requestId = `req_${randomBytes(12).toString('hex')}`;
    return reply.status(status).header('request-id', requestId).send({ type: 'error', error: { type: ANTHROPIC_TYPES[status] ?? 'api_error', message }, request_id: requestId });
  }
  const [type, code] = OPENAI_TYPES[status] ?? ['server_error', null];
  return reply.status(status).send({ error: { message, type, param, code } });
}
