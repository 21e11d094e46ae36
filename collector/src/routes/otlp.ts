import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { Responses } from '@ai-arm/schemas';
import { requireRole } from '../auth/principal';
import { ApiError, retryAfterOf } from '../errors';
import type { InteractionSink } from '../interactions/interaction';
import { encodeExportResponse, encodeRpcStatus } from '../otlp/answers';
import { exportOtlp, inflate, type OtlpEncoding, type OtlpSignal } from '../otlp/receiver';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

const ExportResponseJson = Type.Object(
  {
    partialSuccess: Type.Optional(
      Type.Object({
        rejectedSpans: Type.Optional(Type.String({ description: 'int64 as a decimal string (proto3 JSON)' })),
        rejectedLogRecords: Type.Optional(Type.String({ description: 'int64 as a decimal string (proto3 JSON)' })),
        errorMessage: Type.Optional(Type.String()),
      }),
    ),
  },
  { title: 'OtlpExportResponse' },
);

/** The success answer in the request's encoding, as the OTLP/HTTP spec asks. */
const ExportAnswer = Type.Unsafe<unknown>({
  description: 'Export{Trace,Logs}ServiceResponse in the encoding of the request: partial_success set when some spans or records were refused, with how many and why',
  content: {
    [JSON_TYPE]: { schema: ExportResponseJson },
    [PROTOBUF]: { schema: Type.String({ format: 'binary', description: 'Export{Trace,Logs}ServiceResponse, binary protobuf' }) },
  },
});

const encodingOf = (request: FastifyRequest): OtlpEncoding => (String(request.headers['content-type'] ?? '').toLowerCase().startsWith(PROTOBUF) ? 'protobuf' : 'json');

/** gRPC code numbers for google.rpc.Status.code, by HTTP status (the spec lets clients ignore it; it helps logs). */
const RPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 415: 3, 429: 8, 503: 14 };

/**
 * OTLP/HTTP: POST /v1/traces and /v1/logs, protobuf or JSON, gzip or not, on the API's port.
 * Authenticated like every route (the key in `Authorization: Bearer`, as OTEL_EXPORTER_OTLP_HEADERS
 * sends it); an ingest, member or admin key may send. Failures: a protobuf request gets a
 * google.rpc.Status in protobuf (the spec's failure body); a JSON request the API's error
 * envelope, like every other route.
 */
export const otlpRoutes: FastifyPluginAsync<{ sink: InteractionSink; maxBodyBytes: number }> = async (app, { sink, maxBodyBytes }) => {
  // Bodies are read raw here only (this plugin's scope): decoding is the receiver's, gzip included.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([PROTOBUF, JSON_TYPE], { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_request, body, done) => done(null, body));

  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (encodingOf(request) !== 'protobuf') throw err;
    const status = err instanceof ApiError ? err.statusCode : err.statusCode;
    // Anything without a status of its own is the parent handler's (500 with the request id, store outages).
    if (!status || status >= 500 && !(err instanceof ApiError)) throw err;
    const wait = retryAfterOf(err);
    if (wait !== undefined && !reply.hasHeader('retry-after')) reply.header('retry-after', String(Math.ceil(wait)));
    const message = status === 413 && !(err instanceof ApiError) ? `the body is over ${maxBodyBytes} bytes (ARM_INGEST_MAX_BODY_BYTES)` : err.message;
    request.log.info({ status, message }, 'OTLP request refused');
    return reply.status(status).type(PROTOBUF).send(encodeRpcStatus(RPC_CODE[status] ?? 2, message, wait));
  });

  const route = (url: string, signal: OtlpSignal, what: string) =>
    app.post(
      url,
      {
        logLevel: 'warn',
        schema: {
          description: `OTLP/HTTP ${what} export (protobuf or JSON, gzip accepted). GenAI spans and events become interactions; others are ignored. Failures of protobuf requests carry a google.rpc.Status in protobuf`,
          response: Responses({ 200: ExportAnswer }),
        },
      },
      async (request: FastifyRequest, reply: FastifyReply) => {
        requireRole(request.principal, 'member');
        const encoding = encodingOf(request);
        let body = request.body as Buffer | undefined;
        if (!Buffer.isBuffer(body)) body = Buffer.alloc(0);
        const contentEncoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
        if (contentEncoding === 'gzip') body = await inflate(body, maxBodyBytes);
        else if (contentEncoding !== 'identity') throw Object.assign(new Error(`Content-Encoding ${contentEncoding} is not accepted: send gzip or none`), { statusCode: 415 });
        const outcome = await exportOtlp(sink, request.organizationId, signal, encoding, body);
        if (encoding === 'protobuf') return reply.type(PROTOBUF).send(encodeExportResponse(outcome.rejected, outcome.message));
        const count = signal === 'traces' ? 'rejectedSpans' : 'rejectedLogRecords';
        return reply.type(JSON_TYPE).send(outcome.rejected === 0 && outcome.message === '' ? {} : { partialSuccess: { [count]: String(outcome.rejected), errorMessage: outcome.message } });
      },
    );
  route('/v1/traces', 'traces', 'trace');
  route('/v1/logs', 'logs', 'log');
};
