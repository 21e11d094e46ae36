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

  it('is served at /api/docs/openapi.json, generated from the route schemas', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema: { enum?: string[] } }[]; requestBody?: unknown }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/v1/costs/usage', '/api/v1/costs/breakdown', '/api/v1/costs/budget', '/api/v1/costs/alerts', '/api/v1/costs/attribution']));
    expect(doc.paths['/api/docs']).toBeUndefined();
    // Query parameters and bodies come from the same TypeBox schemas the routes validate with.
    const by = doc.paths['/api/v1/costs/breakdown']!.get!.parameters!.find((p) => p.name === 'by');
    expect(by).toMatchObject({ in: 'query' });
    expect(doc.paths['/api/v1/costs/budget']!.post!.requestBody).toBeDefined();
    expect((await app.inject({ method: 'GET', url: '/api/docs/json' })).json()).toEqual(doc);
    // A client that asks /api/docs for JSON still gets the document, as before the UI was there.
    expect((await app.inject({ method: 'GET', url: '/api/docs', headers: { accept: 'application/json' } })).json()).toEqual(doc);
  });

  it('gives every operation a success response schema and the error envelope for 4xx and 5xx', async () => {
    type Responses = Record<string, { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }>;
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json() as { paths: Record<string, Record<string, { responses?: Responses }>> };
    const lacking: string[] = [];
    let operations = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        operations++;
        const responses = op.responses ?? {};
        const success = Object.entries(responses).filter(([status]) => /^2/.test(status));
        // 204 has no body; every other success names what it sends (JSON, or text such as /metrics and NDJSON exports).
        const described = success.length > 0 && success.every(([status, r]) => status === '204' || Object.values(r.content ?? {}).some((c) => !!c.schema));
        const errors = ['4XX', '5XX'].every((s) => {
          const schema = responses[s]?.content?.['application/json']?.schema;
          return !!schema?.properties && 'error' in schema.properties && 'success' in schema.properties;
        });
        if (!described || !errors) lacking.push(`${method.toUpperCase()} ${path}${described ? '' : ' (no success schema)'}${errors ? '' : ' (no error envelope)'}`);
      }
    }
    expect(operations).toBeGreaterThan(50);
    expect(lacking).toEqual([]);
  });

  it('has a UI at /api/docs whose scripts and styles come from the collector itself (it works offline)', async () => {
    for (const url of ['/api/docs', '/api/docs/']) {
      const page = await app.inject({ method: 'GET', url, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('<div id="swagger-ui">');
      const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(assets.length).toBeGreaterThanOrEqual(4);
      for (const asset of assets) {
        // Every asset is on this server: a relative or root path, never another host.
        expect(asset).not.toMatch(/^(https?:)?\/\//);
        const res = await app.inject({ method: 'GET', url: new URL(asset, `http://collector${url}`).pathname });
        expect({ asset, status: res.statusCode }).toEqual({ asset, status: 200 });
        expect(res.body.length).toBeGreaterThan(0);
      }
    }
    // The page loads the document from ./json, next to it, and checks it with no outside validator.
    const init = await app.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' });
    expect(init.body).toContain("resolveUrl('./json')");
    expect(init.body).toMatch(/validatorUrl: null/);
    // Public, like the document: no key needed to read the API's description.
    expect(init.statusCode).toBe(200);
  });
});
