import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { ApiError } from '../../src/errors';
import type { InteractionSink } from '../../src/interactions/interaction';
import { credentialAuthenticator } from '../../src/auth/authenticate';
import { RateLimiter } from '../../src/auth/rate-limit';
import { INGEST_CALLS } from '../../src/auth/grafana-role';
import { ensureBootstrapKey } from '../../src/auth/bootstrap';
import { randomToken } from '../../src/auth/tokens';
import { systemDb } from '../support/system-db';
import { startGrpcReceiver, type GrpcReceiver } from '../../src/otlp/grpc-server';
import { authedApp } from '../api/support';
import { CONTROL_PLANE, quietLogger } from '../support/stores';
import { chatAttrs, encodeTraces, newSpanId, newTraceId } from './encode';

const LIMIT = 256 * 1024;
const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };

/** Bad OTLP input over HTTP and gRPC: each gets its status and a reason, and nothing accepted before is lost. */
describe(`OTLP receivers refuse bad input with the status OTLP clients act on (real ${CONTROL_PLANE} and chdb)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let ingestKey: string;
  let grafanaKey: string;
  let viewerKey: string;
  let grpcServer: GrpcReceiver;
  let client: grpc.Client;
  const firstAgentName = 'Agent before-the-storm';

  const post = (key: string | null, payload: Buffer | string, headers: Record<string, string>, url = '/v1/traces') => t.call(key, { method: 'POST', url, payload, headers });
  const storedCount = async () => {
    const agents = (await t.call(t.admin, { url: '/api/v1/agents?type=CUSTOM' })).body.data as { id: string; name: string }[];
    const agent = agents.find((a) => a.name === firstAgentName);
    if (!agent) return 0;
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    return ((await t.call(t.admin, { url: `/api/v1/agents/${agent.id}/interactions?from=${from}&to=${to}` })).body.data as unknown[]).length;
  };

  beforeAll(async () => {
    t = await authedApp({ ARM_INGEST_MAX_BODY_BYTES: String(LIMIT) });
    ingestKey = await t.key('ingest');
    grafanaKey = await t.key('grafana');
    viewerKey = await t.key('viewer');
    const ok = await post(ingestKey, encodeTraces([{ attributes: chatAttrs({ 'gen_ai.agent.name': firstAgentName }) }]), PROTO);
    expect(ok.status).toBe(200);
    grpcServer = await startGrpcReceiver({ host: '127.0.0.1', port: 0, sink: { accept: () => Promise.resolve({ accepted: 0, rejected: [] }) }, maxMessageBytes: LIMIT, authenticate: credentialAuthenticator(t.stores.controlPlane), limiter: new RateLimiter(60_000), log: quietLogger() });
    client = new grpc.Client(`127.0.0.1:${grpcServer.port}`, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await grpcServer?.close();
    await t?.close();
  });
  afterEach(async () => {
    // Whatever the bad request, the collector still serves and the first interaction is still there.
    expect((await t.call(null, { url: '/api/health' })).status).toBe(200);
    expect(await storedCount()).toBe(1);
  });

  it('answers a truncated protobuf body 400 with a google.rpc.Status saying where it stopped', async () => {
    const whole = encodeTraces([{ attributes: chatAttrs() }]);
    const res = await post(ingestKey, whole.subarray(0, whole.length - 7), PROTO);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/x-protobuf/);
    expect(res.raw).toMatch(/protobuf body cannot be read: .* at byte \d+/);
  });

  it('answers OTLP/JSON with a wrong type 400 in the error envelope, naming the field', async () => {
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: newTraceId(), spanId: newSpanId(), attributes: [{ key: 'gen_ai.usage.input_tokens', value: { intValue: 'many' } }] }] }] }] });
    const res = await post(ingestKey, body, JSON_CT);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.message).toContain('resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue must be an integer');
    const notJson = await post(ingestKey, '{"resourceSpans": [', JSON_CT);
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toMatch(/JSON body cannot be read/);
  });

  it('answers a span with 10 MB of attributes, and any body over the limit, 413 with the limit', async () => {
    const huge = encodeTraces([{ attributes: chatAttrs({ 'gen_ai.input.messages': 'x'.repeat(10 * 1024 * 1024) }) }]);
    const res = await post(ingestKey, huge, PROTO);
    expect(res.status).toBe(413);
    expect(res.raw).toContain(`over ${LIMIT} bytes`);
    const json = await post(ingestKey, JSON.stringify({ resourceSpans: [], pad: 'y'.repeat(LIMIT) }), JSON_CT);
    expect(json.status).toBe(413);
    expect(json.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a gzip body that inflates past the limit 413, though it is small on the wire', async () => {
    const bomb = gzipSync(Buffer.alloc(LIMIT * 20));
    expect(bomb.length).toBeLessThan(LIMIT / 10);
    const res = await post(ingestKey, bomb, { ...PROTO, 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(res.raw).toContain('once decompressed');
    // A gzip body within the limit is read as any other.
    const fine = await post(ingestKey, gzipSync(encodeTraces([])), { ...PROTO, 'content-encoding': 'gzip' });
    expect(fine.status).toBe(200);
    const broken = await post(ingestKey, Buffer.from('not gzip at all'), { ...JSON_CT, 'content-encoding': 'gzip' });
    expect(broken.status).toBe(400);
  });

  it('answers 401 without a good key, 403 to grafana and viewer keys, and 415 to another content type', async () => {
    const body = encodeTraces([{ attributes: chatAttrs() }]);
    expect((await post(null, body, PROTO)).status).toBe(401);
    expect((await post('arm_sk_live_' + 'x'.repeat(40), body, PROTO)).status).toBe(401);
    const grafana = await post(grafanaKey, body, PROTO);
    expect(grafana.status).toBe(403);
    expect(grafana.raw).toContain('grafana key reaches only');
    const viewer = await post(viewerKey, '{}', JSON_CT);
    expect(viewer.status).toBe(403);
    expect(viewer.body.error.message).toContain('needs the member role');
    const text = await post(ingestKey, 'hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    // An ingest key reads nothing.
    expect((await t.call(ingestKey, { url: '/api/v1/agents' })).status).toBe(403);
  });

  it('accepts the good spans of a batch and reports the refused one in partial_success; non-GenAI spans are ignored', async () => {
    const body = JSON.stringify({
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [{ spans: [
          { traceId: newTraceId(), spanId: newSpanId(), startTimeUnixNano: String(BigInt(Date.now() - 1000) * 1000000n), endTimeUnixNano: String(BigInt(Date.now()) * 1000000n), attributes: [{ key: 'gen_ai.agent.name', value: { stringValue: firstAgentName } }, { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } }] },
          { traceId: newTraceId(), spanId: newSpanId(), name: 'GET /health', startTimeUnixNano: '1', endTimeUnixNano: '2', attributes: [{ key: 'http.route', value: { stringValue: '/health' } }] },
        ] }],
      }],
    });
    const res = await post(ingestKey, body, JSON_CT);
    expect(res.status).toBe(200);
    expect(res.body.partialSuccess.rejectedSpans).toBe('1');
    expect(res.body.partialSuccess.errorMessage).toContain('needs gen_ai.request.model');
    const empty = await post(ingestKey, JSON.stringify({ resourceSpans: [] }), JSON_CT);
    expect(empty.body).toEqual({});
    // In protobuf, as the official SDK's own response decoder reads it.
    const proto = await t.app.inject({ method: 'POST', url: '/v1/traces', headers: { ...PROTO, authorization: `Bearer ${ingestKey}` }, payload: encodeTraces([{ attributes: chatAttrs({ 'gen_ai.agent.name': firstAgentName, 'gen_ai.request.model': '' }) }, { attributes: chatAttrs({ 'gen_ai.usage.output_tokens': -1 }) }, { attributes: { 'db.system': 'postgresql' } }]) });
    expect(proto.statusCode).toBe(200);
    expect(proto.headers['content-type']).toMatch(/^application\/x-protobuf/);
    const decoded = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(proto.rawPayload));
    expect(Number(decoded.partialSuccess?.rejectedSpans)).toBe(2);
    expect(decoded.partialSuccess?.errorMessage).toMatch(/^2 spans refused: .*needs gen_ai.request.model.*gen_ai.usage.output_tokens must be a non-negative integer/);
  });

  const unary = (path: string, body: Buffer, key: string | null) =>
    new Promise<{ code: number; details: string; trailer?: grpc.Metadata }>((resolve) => {
      const md = new grpc.Metadata();
      if (key) md.set('authorization', `Bearer ${key}`);
      client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, body, md, (err) => resolve(err ? { code: err.code, details: err.details, trailer: err.metadata } : { code: 0, details: '' }));
    });
  const TRACE = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

  it('answers gRPC calls UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT and RESOURCE_EXHAUSTED as OTLP asks', async () => {
    const body = encodeTraces([{ attributes: chatAttrs() }]);
    expect((await unary(TRACE, body, null)).code).toBe(grpc.status.UNAUTHENTICATED);
    expect((await unary(TRACE, body, grafanaKey)).code).toBe(grpc.status.PERMISSION_DENIED);
    expect((await unary(TRACE, body, viewerKey)).code).toBe(grpc.status.PERMISSION_DENIED);
    const truncated = await unary(TRACE, body.subarray(0, body.length - 3), ingestKey);
    expect(truncated).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringMatching(/protobuf body cannot be read/) });
    expect((await unary(TRACE, Buffer.alloc(LIMIT + 10), ingestKey)).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect((await unary(TRACE, body, ingestKey)).code).toBe(grpc.status.OK);
  });

  it('answers UNAVAILABLE with RetryInfo over gRPC, and 503 with Retry-After over HTTP, when the sink sheds load (stand-in sink)', async () => {
    const shedding: InteractionSink = { accept: () => Promise.reject(new ApiError('UNAVAILABLE', 'the spool is full; retry later', { retryAfterSeconds: 7 })) };
    const full = await startGrpcReceiver({ host: '127.0.0.1', port: 0, sink: shedding, maxMessageBytes: LIMIT, authenticate: credentialAuthenticator(t.stores.controlPlane), limiter: new RateLimiter(60_000), log: quietLogger() });
    const c = new grpc.Client(`127.0.0.1:${full.port}`, grpc.credentials.createInsecure());
    try {
      const res = await new Promise<grpc.ServiceError>((resolve) => {
        const md = new grpc.Metadata();
        md.set('authorization', `Bearer ${ingestKey}`);
        c.makeUnaryRequest(TRACE, (b: Buffer) => b, (b: Buffer) => b, encodeTraces([{ attributes: chatAttrs() }]), md, (err) => resolve(err!));
      });
      expect(res.code).toBe(grpc.status.UNAVAILABLE);
      const details = res.metadata.get('grpc-status-details-bin')[0] as Buffer;
      expect(details.toString('latin1')).toContain('type.googleapis.com/google.rpc.RetryInfo');
    } finally {
      c.close();
      await full.close();
    }
    const app = await authedApp({}, async () => ({ ingest: { ...shedding, orgs: { invalidate: () => undefined }, close: async () => undefined } as never }));
    try {
      const res = await app.call(app.admin, { method: 'POST', url: '/v1/traces', payload: encodeTraces([{ attributes: chatAttrs() }]), headers: PROTO });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('7');
      expect(res.raw).toContain('the spool is full');
    } finally {
      await app.close();
    }
  });

  it('stores spans for the organisation of the key that sent them, and no other sees them', async () => {
    const slug = `otlp-b-${randomToken().slice(0, 8).toLowerCase()}`;
    const [{ id: orgB }] = (await systemDb(t.stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [slug])) as [{ id: string }];
    const keyB = `arm_sk_live_${randomToken()}`;
    await ensureBootstrapKey(t.stores.controlPlane, orgB, keyB);
    expect((await post(keyB, encodeTraces([{ attributes: chatAttrs({ 'gen_ai.agent.name': 'Agent of B' }) }]), PROTO)).status).toBe(200);
    const names = async (key: string) => ((await t.call(key, { url: '/api/v1/agents?type=CUSTOM' })).body.data as { name: string }[]).map((a) => a.name);
    expect(await names(keyB)).toContain('Agent of B');
    expect(await names(keyB)).not.toContain(firstAgentName);
    expect(await names(t.admin)).not.toContain('Agent of B');
  });

  it('lets an ingest key reach exactly the receivers (INGEST_CALLS), and no other route of the collector', async () => {
    const doc = (await t.call(null, { url: '/api/docs/openapi.json' })).body as { paths: Record<string, Record<string, unknown>> };
    const table = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => m !== 'head').map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    for (const call of INGEST_CALLS) expect(table).toContain(call);
    const reached: string[] = [];
    for (const route of table) {
      const [method, path] = route.split(' ') as [string, string];
      const url = path.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000');
      // Harmless arguments: an empty body (400, or an empty OTLP export); nothing is stored.
      const res = await t.call(ingestKey, { method: method as 'GET', url, ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{}', headers: JSON_CT }) });
      const refusedForRole = res.status === 403 && res.body?.error?.details?.actual === 'ingest';
      if (!refusedForRole && !route.startsWith('GET /api/health') && route !== 'GET /metrics' && !route.startsWith('POST /api/auth/log')) reached.push(route);
    }
    expect(reached.sort()).toEqual([...INGEST_CALLS].sort());
  });
});

describe(`telemetry has its own rate limit per key, apart from the API\'s (real ${CONTROL_PLANE} and chdb)`, () => {
  it('takes OTLP/HTTP and ingest requests past the API budget up to ARM_INGEST_RATE_LIMIT_PER_MINUTE, then 429 with Retry-After; gRPC shares that budget (RESOURCE_EXHAUSTED)', async () => {
    const t = await authedApp({ ARM_RATE_LIMIT_PER_MINUTE: '2', ARM_INGEST_RATE_LIMIT_PER_MINUTE: '4' });
    const limiter = new RateLimiter(4);
    const grpcServer = await startGrpcReceiver({ host: '127.0.0.1', port: 0, sink: { accept: () => Promise.resolve({ accepted: 0, rejected: [] }) }, maxMessageBytes: LIMIT, authenticate: credentialAuthenticator(t.stores.controlPlane), limiter, log: quietLogger() });
    const client = new grpc.Client(`127.0.0.1:${grpcServer.port}`, grpc.credentials.createInsecure());
    try {
      const key = (await t.call(t.admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'app', role: 'ingest' } })).body.data.key as string;
      const body = encodeTraces([{ attributes: chatAttrs() }]);
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await t.call(key, { method: 'POST', url: '/v1/traces', payload: body, headers: PROTO })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
      const limited = await t.call(key, { method: 'POST', url: '/v1/traces', payload: body, headers: PROTO });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // The admin key's API budget (2) is its own: untouched by the telemetry above.
      expect((await t.call(t.admin, { url: '/api/v1/agents' })).status).toBe(200);

      const grpcCall = () =>
        new Promise<number>((resolve) => {
          const md = new grpc.Metadata();
          md.set('authorization', `Bearer ${key}`);
          client.makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', (b: Buffer) => b, (b: Buffer) => b, body, md, (err) => resolve(err ? err.code : 0));
        });
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push(await grpcCall());
      expect(codes).toEqual([0, 0, 0, 0, grpc.status.RESOURCE_EXHAUSTED]);
    } finally {
      client.close();
      await grpcServer.close();
      await t.close();
    }
  });
});
