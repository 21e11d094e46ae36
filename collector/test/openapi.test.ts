import { buildApp, type App } from '../src/app';
import { openStores, type Stores } from '../src/stores';
import { quietLogger, testConfig, testMetrics } from './support/stores';

describe('OpenAPI document', () => {
  let stores: Stores;
  let app: App;
  beforeAll(async () => {
    const config = testConfig();
    const { sink, metrics } = testMetrics();
    stores = await openStores(config, metrics, quietLogger());
    app = await buildApp({ config, stores, sink, logger: quietLogger() });
  });
  afterAll(async () => {
    await app?.close();
    await stores?.close();
  });

  it('is served at /api/docs, generated from the route schemas', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema: { enum?: string[] } }[]; requestBody?: unknown }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/v1/costs/usage', '/api/v1/costs/breakdown', '/api/v1/costs/budget', '/api/v1/costs/alerts', '/api/v1/costs/attribution']));
    expect(doc.paths['/api/docs']).toBeUndefined();
    // Query parameters and bodies come from the same TypeBox schemas the routes validate with.
    const by = doc.paths['/api/v1/costs/breakdown']!.get!.parameters!.find((p) => p.name === 'by');
    expect(by).toMatchObject({ in: 'query' });
    expect(doc.paths['/api/v1/costs/budget']!.post!.requestBody).toBeDefined();
    expect((await app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json()).toEqual(doc);
  });
});
