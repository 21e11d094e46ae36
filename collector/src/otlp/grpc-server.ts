import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { keyRoleAllows, keyRoleReach } from '../auth/grafana-role';
import type { RequestHeaders } from '../auth/headers';
import type { RateLimiter } from '../auth/rate-limit';
import { requireRole, type Principal } from '../auth/principal';
import { ApiError, retryAfterOf } from '../errors';
import type { InteractionSink } from '../interactions/interaction';
import { asTenant } from '../stores/tenant-scope';
import { encodeExportResponse, encodeRpcStatus } from './answers';
import { exportOtlp, type OtlpSignal } from './receiver';

export interface GrpcReceiverOptions {
  host: string;
  /** 0 picks a free port (tests); the collector never passes 0 here (0 in the config turns the receiver off). */
  port: number;
  sink: InteractionSink;
  /** Largest request message, after decompression: over it gRPC answers RESOURCE_EXHAUSTED itself. */
  maxMessageBytes: number;
  /** The collector's credential check, as HTTP requests get it (auth/authenticate.ts). */
  authenticate: (request: RequestHeaders) => Promise<Principal | null>;
  /** The telemetry rate limit per key, shared with OTLP/HTTP and the ingest API. */
  limiter: RateLimiter;
  log: Logger;
}

export interface GrpcReceiver {
  port: number;
  /** Stops taking calls, lets those in flight finish (at most `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

const raw = (b: Buffer) => b;

/** A unary Export method whose messages stay bytes: the receiver's own decoder reads them (no proto-loader). */
const exportMethod = (signal: OtlpSignal): grpc.ServiceDefinition => ({
  Export: {
    path: signal === 'traces' ? '/opentelemetry.proto.collector.trace.v1.TraceService/Export' : '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
});

const GRPC_CODE: Partial<Record<string, grpc.status>> = {
  VALIDATION_ERROR: grpc.status.INVALID_ARGUMENT,
  UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  FORBIDDEN: grpc.status.PERMISSION_DENIED,
  PAYLOAD_TOO_LARGE: grpc.status.RESOURCE_EXHAUSTED,
  RATE_LIMITED: grpc.status.RESOURCE_EXHAUSTED,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
};

/** An ApiError as a gRPC status; a retry delay rides in grpc-status-details-bin as google.rpc.RetryInfo, as OTLP asks. */
function toStatus(err: unknown, log: Logger): Partial<grpc.StatusObject> {
  if (!(err instanceof ApiError)) {
    log.error({ err }, 'OTLP/gRPC export failed');
    return { code: grpc.status.INTERNAL, details: 'the collector hit an unexpected error; see its log' };
  }
  const code = GRPC_CODE[err.code] ?? grpc.status.INTERNAL;
  const metadata = new grpc.Metadata();
  const wait = retryAfterOf(err);
  if (wait !== undefined) metadata.set('grpc-status-details-bin', encodeRpcStatus(code, err.message, wait));
  return { code, details: err.message, metadata };
}

/** OTLP/gRPC: TraceService/Export and LogsService/Export, authenticated and role-checked like OTLP/HTTP. */
export async function startGrpcReceiver(o: GrpcReceiverOptions): Promise<GrpcReceiver> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': o.maxMessageBytes });
  const handler =
    (signal: OtlpSignal): grpc.handleUnaryCall<Buffer, Buffer> =>
    (call, callback) => {
      void (async () => {
        const auth = call.metadata.get('authorization')[0];
        const principal = await o.authenticate({ headers: { authorization: typeof auth === 'string' ? auth : auth?.toString('utf8') } });
        if (!principal) throw new ApiError('UNAUTHENTICATED', 'send an API key in the `authorization` metadata: `Bearer arm_sk_live_...` (OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer arm_sk_live_...")');
        const path = signal === 'traces' ? '/v1/traces' : '/v1/logs';
        if (!keyRoleAllows(principal.role, 'POST', path)) throw new ApiError('FORBIDDEN', `a ${principal.role} key reaches only ${keyRoleReach(principal.role)}, not the OTLP receiver`);
        requireRole(principal, 'member');
        const wait = o.limiter.take(`${principal.actorType}:${principal.actorId}`);
        if (wait > 0) throw new ApiError('RATE_LIMITED', `too many telemetry requests from this API key; retry in ${wait} s (ARM_INGEST_RATE_LIMIT_PER_MINUTE)`, { retryAfterSeconds: wait });
        return asTenant(principal.organizationId, () => exportOtlp(o.sink, principal.organizationId, signal, 'protobuf', call.request));
      })().then(
        (outcome) => callback(null, encodeExportResponse(outcome.rejected, outcome.message)),
        (err: unknown) => callback(toStatus(err, o.log)),
      );
    };
  server.addService(exportMethod('traces'), { Export: handler('traces') });
  server.addService(exportMethod('logs'), { Export: handler('logs') });
  const address = `${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))));
  return {
    port,
    close: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
