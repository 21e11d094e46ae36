import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadPriceTable, VENDORS } from '@ai-arm/schemas';
import { createConnector, VENDOR_REGISTRY, vendorSpec } from '../../src/connectors/registry';
import type { UsageRow } from '../../src/connectors/types';
import { PriceBook } from '../../src/costs/price-book';
import { endpointsFromConfig, simulatorEndpoints } from '../../src/poller/connections';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { testConfig } from '../support/stores';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000;
const DAY = 86400;
const SRC = join(__dirname, '..', '..', 'src');
const specs = VENDOR_REGISTRY.map((s) => [s.vendor, s] as const);

/**
 * Every vendor in connectors/registry.ts declares all the collector needs of it, and what it
 * declares holds: its connector reads the simulator at its mount, its models are priced, and
 * no code outside connectors/ (and the simulator, a program of its own) branches on a vendor.
 */
describe('vendor registry', () => {
  describe.each(specs)('%s declares', (vendor, spec) => {
    it('its name, its credential fields (the secret admin key and the optional base URL) and a default https base URL', () => {
      expect(spec.displayName).toMatch(/\S/);
      const adminKey = spec.fields.find((f) => f.name === 'adminKey');
      expect(adminKey).toMatchObject({ secret: true, required: true });
      expect(spec.fields.find((f) => f.name === 'baseUrl')).toMatchObject({ secret: false, required: false });
      for (const f of spec.fields) {
        expect(f.label).toMatch(/\S/);
        expect(f.help).toMatch(/\S/);
        if (f.pattern) expect(() => new RegExp(f.pattern!)).not.toThrow();
      }
      expect(new URL(spec.defaultBaseUrl).protocol).toBe('https:');
      expect(vendorSpec(vendor)).toBe(spec);
    });

    it('the configuration keys holding its admin key and base URL, whose default is its default base URL', () => {
      const config = testConfig();
      expect(config.vendorKeys).toHaveProperty(spec.configKey);
      expect(config.vendorBaseUrls[spec.configKey]).toBe(spec.defaultBaseUrl);
    });

    it('a price-table key the list prices hold', () => {
      expect(Object.keys(loadPriceTable().vendors[spec.priceTableKey]?.models ?? {})).not.toHaveLength(0);
    });
  });

  describe('each connector against the vendor simulator at its declared mount', () => {
    let sim: Simulator;
    beforeAll(async () => {
      sim = await startSimulator({ now: NOW, agents: 6 });
    });
    afterAll(async () => sim?.close());

    it('the simulator endpoints are every registered vendor at its mount, with the key its declaration names', () => {
      const keys = sim.state.opts.keys as Record<string, string>;
      expect(simulatorEndpoints(sim.url, keys)).toEqual(VENDOR_REGISTRY.map((s) => ({ vendor: s.vendor, adminKey: keys[s.simulator.adminKey], baseUrl: `${sim.url}${s.simulator.mount}` })));
    });

    it.each(specs)('%s: the simulator key fits the declared key format, and the connector identifies, discovers, checks and reads usage and costs', async (vendor, spec) => {
      const adminKey = (sim.state.opts.keys as Record<string, string>)[spec.simulator.adminKey]!;
      const pattern = spec.fields.find((f) => f.name === 'adminKey')?.pattern;
      if (pattern) expect(adminKey).toMatch(new RegExp(pattern));
      const connector = createConnector(vendor, { adminKey, baseUrl: `${sim.url}${spec.simulator.mount}`, maxRetries: 0 });
      expect(connector.vendor).toBe(vendor);
      expect(await connector.verifyAccess()).toEqual(expect.objectContaining({ id: expect.any(String) }));

      const agents = await connector.discoverAgents();
      expect(agents.length).toBeGreaterThan(0);
      for (const a of agents) expect(a.vendor).toBe(vendor);
      connector.startHealthRun();
      const probe = await connector.checkHealth({ vendorAgentId: agents[0]!.vendorAgentId, model: agents[0]!.config.model, activeProbe: false });
      expect(probe.status).toBe('HEALTHY');

      const range = { start: NOW - (NOW % DAY) - 2 * DAY, end: NOW - (NOW % DAY) };
      const usage: UsageRow[] = [];
      for (const feed of connector.usageFeeds()) for await (const page of feed.pages(range)) usage.push(...page.rows);
      expect(usage.length).toBeGreaterThan(0);
      let costs = 0;
      for (const feed of connector.costFeeds()) for await (const page of feed.pages(range)) costs += page.rows.filter((r) => r.vendor === vendor).length;
      expect(costs).toBeGreaterThan(0);

      // Every model the vendor reports usage for is priced under the vendor's price-table key.
      const book = new PriceBook(loadPriceTable());
      const unpriced = [...new Set(usage.map((r) => r.model))].filter((m) => book.canonical(spec.priceTableKey, m) === null);
      expect(unpriced).toEqual([]);
      for (const r of usage) expect(r.vendor).toBe(vendor);
    });

    it('a wrong admin key is refused at every mount (the mount reaches the vendor, not a catch-all)', async () => {
      for (const spec of VENDOR_REGISTRY) {
        const connector = createConnector(spec.vendor, { adminKey: 'sk-not-a-key', baseUrl: `${sim.url}${spec.simulator.mount}`, maxRetries: 0 });
        await expect(connector.verifyAccess()).rejects.toMatchObject({ status: 401 });
      }
    });
  });

  it('configured vendors come from the registry, in its order', () => {
    const config = testConfig();
    for (const s of VENDOR_REGISTRY) config.vendorKeys[s.configKey] = `key-${s.vendor}`;
    expect(endpointsFromConfig(config)).toEqual(VENDOR_REGISTRY.map((s) => ({ vendor: s.vendor, adminKey: `key-${s.vendor}`, baseUrl: s.defaultBaseUrl })));
  });

  it('no code outside connectors/ and the simulator branches on a vendor literal', () => {
    // CUSTOM is no vendor but agents registered by hand: code may tell them from polled ones.
    const vendor = `['"](?:${VENDORS.filter((v) => v !== 'CUSTOM').join('|')})['"]`;
    const branch = new RegExp(`[=!]==?\\s*${vendor}|${vendor}\\s*[=!]==?|${vendor}\\s*\\?|case\\s+${vendor}\\s*:|\\bIN\\s*\\(\\s*${vendor}`);
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        const rel = relative(SRC, path);
        if (entry.isDirectory()) {
          if (rel !== 'connectors' && rel !== 'simulator') walk(path);
        } else if (entry.name.endsWith('.ts')) {
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (line.match(branch)) found.push(`${rel}:${i + 1}: ${line.trim()}`);
            });
        }
      }
    };
    walk(SRC);
    expect(found).toEqual([]);
  });
});
