import type { FastifyError } from 'fastify';
import type { ErrorCode, ErrorEnvelope } from '@ai-arm/schemas';
import type { App } from './http-app';
import { ApiError, isStoreOutage, OUTAGE_RETRY_SECONDS, retryAfterOf } from '../errors';

/** The one place errors become `{success:false,error:{code,message,details}}`. */
export function registerErrorHandler(app: App): void {
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (!(err instanceof ApiError) && !err.statusCode && isStoreOutage(err)) {
      // As /api/health reports it: a store is down, not a bug; the client may retry.
      request.log.warn({ err }, 'a store is unreachable');
      reply.header('retry-after', String(OUTAGE_RETRY_SECONDS));
      return reply.status(503).send(fail('UNAVAILABLE', 'a store is unreachable; retry later', { retryAfterSeconds: OUTAGE_RETRY_SECONDS }));
    }
    const envelope = toEnvelope(err, request.headers['content-type']);
    const status = err instanceof ApiError ? err.statusCode : (err.statusCode ?? 500);
    // A 429 or 503 that says when to come back says it the way clients read it, too.
    const wait = retryAfterOf(err);
    if (wait !== undefined && !reply.hasHeader('retry-after')) reply.header('retry-after', String(Math.ceil(wait)));
    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: envelope.error.code, message: envelope.error.message }, 'request rejected');
    return reply.status(status).send(envelope);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(fail('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`, { method: request.method })),
  );
}

export function fail(code: ErrorCode, message: string, details?: unknown): ErrorEnvelope {
  return { success: false, error: { code, message, ...(details === undefined ? {} : { details }) } };
}

function toEnvelope(err: FastifyError | ApiError, contentType: string | undefined): ErrorEnvelope {
  if (err instanceof ApiError) return fail(err.code, err.message, err.details);
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const message = `${contentType ?? '(none)'} is not a content-type this endpoint reads (JSON bodies are application/json)`;
    return fail('VALIDATION_ERROR', `headers/content-type ${message}`, { fields: [{ field: 'headers/content-type', message }] });
  }
  if (err.validation) {
    // Name each bad field: "body/name must NOT have fewer than 1 characters".
    // A union of literals (our enums) fails once per branch: say it once, with the choices.
    const byField = new Map<string, { messages: string[]; allowed: unknown[] }>();
    for (const v of err.validation) {
      const named = v.keyword === 'required' ? (v.params as { missingProperty?: string }).missingProperty : v.keyword === 'additionalProperties' ? (v.params as { additionalProperty?: string }).additionalProperty : undefined;
      const field = `${err.validationContext ?? 'request'}${v.instancePath || ''}${named === undefined ? '' : `/${named}`}`;
      const f = byField.get(field) ?? { messages: [], allowed: [] };
      byField.set(field, f);
      if (v.keyword === 'const') f.allowed.push((v.params as { allowedValue?: unknown }).allowedValue);
      else if (v.keyword === 'additionalProperties') f.messages.push('is not a field this endpoint takes');
      else if (v.keyword !== 'anyOf') f.messages.push(v.message ?? 'is invalid');
    }
    const fields = [...byField].map(([field, f]) => ({
      field,
      message: [...f.messages, ...(f.allowed.length > 0 ? [`must be one of ${f.allowed.map((a) => JSON.stringify(a)).join(', ')}`] : [])].join(', ') || 'is invalid',
    }));
    return fail('VALIDATION_ERROR', fields.map((f) => `${f.field} ${f.message}`).join('; '), { fields });
  }
  const status = err.statusCode ?? 500;
  if (status === 413) return fail('PAYLOAD_TOO_LARGE', 'request body is too large');
  if (status === 429) return fail('RATE_LIMITED', err.message);
  if (status >= 400 && status < 500) return fail('VALIDATION_ERROR', err.message);
  return fail('INTERNAL_ERROR', 'the collector hit an unexpected error; see its log for the request id');
}
