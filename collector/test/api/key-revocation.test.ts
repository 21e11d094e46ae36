import { authedApp } from './support';
import { CONTROL_PLANE } from '../support/stores';

/**
 * A key revoked while a request of its own is being authenticated: that request read the key
 * before the revocation committed and cached it after the revocation forgot it, so the revoked
 * key went on working for the cache's 10 s (long enough to make a new admin key).
 */
describe(`API key revocation under a concurrent request (real ${CONTROL_PLANE}, app.inject)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  beforeAll(async () => {
    t = await authedApp();
  });
  afterAll(() => t.close());

  it('answers 401 to the key as soon as its DELETE has returned, every round', async () => {
    for (let round = 0; round < 8; round++) {
      const made = (await t.call(t.admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: `doomed-${round}`, role: 'admin' } })).body.data as { id: string; key: string };
      const [inFlight, revoked] = await Promise.all([
        t.call(made.key, { url: '/api/auth/me' }),
        t.call(t.admin, { method: 'DELETE', url: `/api/v1/api-keys/${made.id}` }),
      ]);
      expect([200, 401]).toContain(inFlight.status);
      expect(revoked.status).toBe(200);
      const after = await t.call(made.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: `successor-${round}`, role: 'admin' } });
      expect({ round, status: after.status }).toEqual({ round, status: 401 });
    }
  });
});
