import { setTimeout as sleep } from 'node:timers/promises';
import { rateGate } from '../../src/connectors/rate-gate';
import { createConnector, VENDOR_REGISTRY, vendorSpec } from '../../src/connectors/registry';
import { startSimulator, type Simulator } from '../../src/simulator/server';

/** What a promise did within `ms`: its value, its error, or 'still waiting'. */
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p.then((value) => ({ value }), (error: unknown) => ({ error })), sleep(ms, 'still waiting' as const, { ref: false })]);

describe('shutdown ends the waits for a vendor', () => {
  it('rate gate: a wait for the reset ten minutes away ends at once, and what is queued behind it fails too', async () => {
    const sent: string[] = [];
    const inner = (async (input: string | URL | Request) => {
      sent.push(String(input));
      return new Response('{}', { status: 200, headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '10m0s' } });
    }) as typeof fetch;
    const stop = new AbortController();
    const gated = rateGate(inner, { stop: stop.signal });
    expect((await gated('http://x/a')).status).toBe(200);
    const waiting = [within(gated('http://x/b'), 10_000), within(gated('http://x/c'), 10_000)];
    await sleep(50);
    stop.abort(new Error('shutting down'));
    for (const outcome of await Promise.all(waiting)) expect(outcome).toEqual({ error: new Error('shutting down') });
    expect(sent).toEqual(['http://x/a']);
    // Aborted for good: nothing else leaves either.
    await expect(gated('http://x/d')).rejects.toThrow('shutting down');
  });

  describe.each(VENDOR_REGISTRY.map((s) => s.vendor))('%s SDK retry wait after a 429 (simulator)', (vendor) => {
    let sim: Simulator;
    beforeAll(async () => {
      sim = await startSimulator({ agents: 2, rateLimit: { requests: 1, windowSeconds: 600 } });
    });
    afterAll(async () => sim?.close());

    it("ends when the collector's shutdown signal aborts, with no further request", async () => {
      const stop = new AbortController();
      const connector = createConnector(vendor, {
        adminKey: (sim.state.opts.keys as Record<string, string>)[vendorSpec(vendor).simulator.adminKey]!,
        baseUrl: `${sim.url}${vendorSpec(vendor).simulator.mount}`,
        maxRetries: 6,
        signal: stop.signal,
      });
      await connector.verifyAccess();
      // The second call gets a 429 with retry-after of the window's ten minutes, and the SDK waits to retry.
      const call = within(connector.verifyAccess(), 15_000);
      while (sim.state.stats.rateLimited === 0) await sleep(20);
      const requests = sim.state.stats.requests;
      stop.abort();
      const outcome = await call;
      expect(outcome).toMatchObject({ error: expect.objectContaining({ message: expect.stringMatching(/aborted/i) }) });
      expect(sim.state.stats.requests).toBe(requests);
    });
  });
});
