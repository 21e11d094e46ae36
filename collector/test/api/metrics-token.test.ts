import { loadConfig } from '../../src/config/env';
import { authedApp } from './support';
import { CONTROL_PLANE } from '../support/stores';

const TOKEN = 'scrape-token-0123456789abcdef';

/** /metrics names every organisation, agent and its spend: with ARM_METRICS_TOKEN set, only a scrape that sends it reads them. */
describe(`/metrics behind ARM_METRICS_TOKEN (real chdb and ${CONTROL_PLANE}, app.inject)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  beforeAll(async () => {
    t = await authedApp({ ARM_METRICS_TOKEN: TOKEN });
  });
  afterAll(() => t.close());
  const scrape = (authorization?: string) => t.call(null, { url: '/metrics', headers: authorization ? { authorization } : {} });

  it('answers 401 with WWW-Authenticate and the envelope without the token, or with another, or with an API key', async () => {
    for (const auth of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, `Bearer ${t.admin}`]) {
      const res = await scrape(auth);
      expect({ auth, status: res.status, code: res.body?.error?.code, challenge: res.headers['www-authenticate'] }).toEqual({ auth, status: 401, code: 'UNAUTHENTICATED', challenge: 'Bearer realm="metrics"' });
      expect(res.raw).not.toContain('ai_arm_');
    }
  });

  it('serves the exposition to the scrape that sends it', async () => {
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.raw).toContain('# TYPE ai_arm_');
  });

  it('refuses a token shorter than 16 characters, or with spaces, at start', () => {
    for (const bad of ['short', 'has spaces in it, long enough']) expect(() => loadConfig({ ARM_METRICS_TOKEN: bad })).toThrow(/ARM_METRICS_TOKEN must be at least 16 characters/);
    expect(loadConfig({ ARM_METRICS_TOKEN: TOKEN }).api.metricsToken).toBe(TOKEN);
    expect(loadConfig({}).api.metricsToken).toBeNull();
  });
});
