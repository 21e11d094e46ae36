import { Writable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { loadCatalogue, readMigrations } from '@ai-arm/schemas';
import { buildApp, type App } from '../src/app';
import { createLogger } from '../src/logger';
import { openStores, type Stores } from '../src/stores';
import { checkMetrics } from './support/promtool';
import { Instruments } from '../src/metrics/instruments.generated';
import { PrometheusSink } from '../src/metrics/prometheus-sink';
import { CONTROL_PLANE, quietLogger, TEST_CONTROL_PLANE, testConfig } from './support/stores';

describe(`collector HTTP app (real ${CONTROL_PLANE} and chdb, app.inject)`, () => {
  let stores: Stores;
  let app: App;
  beforeAll(async () => {
    const config = testConfig();
    const sink = new PrometheusSink();
    stores = await openStores(config, new Instruments(sink), quietLogger());
    app = await buildApp({ config, stores, sink, logger: quietLogger() });
    app.post('/test/validated', { config: { public: true }, schema: { body: Type.Object({ name: Type.String({ minLength: 1 }), count: Type.Integer() }) } }, async () => ({ ok: true }));
    app.get('/test/boom', { config: { public: true } }, async () => {
      throw new Error('internal detail that must not leak');
    });
  });
  afterAll(async () => {
    await app.close();
    await stores.close();
  });

  it('GET /api/health reports every store up, in the success envelope', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': 'req-123' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe('req-123');
    const body = res.json();
    expect(body.success).toBe(true);
    expect(body.data.mode).toBe('demo');
    expect(body.data.stores.postgres).toMatchObject({ engine: TEST_CONTROL_PLANE, status: 'up', migrations: readMigrations('postgres').length });
    expect(body.data.stores.clickhouse).toMatchObject({ engine: 'chdb', status: 'up', migrations: readMigrations('clickhouse').length });
  });

  it('GET /metrics exposes exactly the catalogue names, plus the process defaults', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const typed = [...res.body.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    const ours = typed.filter((n) => !n.startsWith('process_') && !n.startsWith('nodejs_'));
    expect(ours.sort()).toEqual(loadCatalogue().metrics.map((m) => m.prometheus).sort());
    expect(typed).toContain('process_cpu_user_seconds_total');
  });

  it('GET /metrics passes promtool check metrics', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    const { ok, output } = checkMetrics(res.body);
    expect(output).toBe('');
    expect(ok).toBe(true);
  });

  it('answers an unknown route with the error envelope', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/nothing?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ success: false, error: { code: 'NOT_FOUND', message: 'no route GET /api/v1/nothing', details: { method: 'GET' } } });
  });

  it('names each bad field of a request', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/validated', payload: { name: '', count: 'many' } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.success).toBe(false);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body/count', 'body/name']);
  });

  it('refuses a body over the size limit', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/validated', payload: { name: 'x'.repeat(2 * 1024 * 1024), count: 1 } });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('hides internal error details from the caller', async () => {
    const res = await app.inject({ method: 'GET', url: '/test/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('INTERNAL_ERROR');
    expect(res.body).not.toMatch(/internal detail/);
  });

  it('reports 503 with the store report when a store is down', async () => {
    await stores.telemetry.close();
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(503);
    const body = res.json();
    expect(body.error.code).toBe('UNAVAILABLE');
    expect(body.error.details.stores.clickhouse.status).toBe('down');
    expect(body.error.details.stores.postgres.status).toBe('up');
  });
});

describe('logs', () => {
  it('redact credentials, wherever they sit', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger('info', sink);
    log.info({ req: { headers: { authorization: 'Bearer arm_sk_live_secret1', 'x-api-key': 'sk-ant-admin-secret2' } } }, 'request');
    log.info({ connection: { apiKey: 'sk-admin-secret3', credentials: { key: 'secret4' } }, password: 'secret5' }, 'connection');
    const out = lines.join('');
    expect(out).not.toMatch(/secret[1-5]/);
    expect(out).toContain('[redacted]');
  });
});
