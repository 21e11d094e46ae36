/**
 * The agents API at a million agents in PostgreSQL, under a fixed arrival rate from a separate
 * load process on loopback, beside a bare Fastify handler measured the same way in the same run.
 *   npm run bench:api [-- --agents 1000000 --rate 500 --seconds 20]
 * Needs the machine's PostgreSQL (ARM_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app';
import { ensureBootstrapKey } from '../src/auth/bootstrap';
import { filteredAgentUrls, KEY, load, seedAgents, TABLE_HEADER, tableRow, withBenchDatabase, type RouteResult } from './api-support';

async function main() {
  const { values } = parseArgs({ options: { agents: { type: 'string', default: '1000000' }, rate: { type: 'string', default: '500' }, seconds: { type: 'string', default: '20' } } });
  const agents = Number(values.agents);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  await withBenchDatabase('api', async ({ url, config, stores, sink, logger, bareUrl }) => {
    const { organizationId, terms } = await seedAgents(url, agents);
    await ensureBootstrapKey(stores.controlPlane, organizationId, KEY);
    const app = await buildApp({ config, stores, sink, logger });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const bare = { name: 'bare Fastify handler', urls: [await bareUrl()] };
    const filtered = { name: 'agents: filtered first page + counts', urls: filteredAgentUrls(base) };
    const search = { name: 'agents: name search + counts', urls: terms.map((q) => `${base}/api/v1/agents?q=${encodeURIComponent(q)}&limit=50`) };
    // Warm the pool, the plans and the JIT before measuring.
    await load({ routes: [{ name: 'warm-up', urls: [...filtered.urls, ...search.urls, ...bare.urls] }], rate: 200, seconds: 3 });

    const rows: RouteResult[] = [];
    for (const route of [bare, filtered, search]) rows.push(...(await load({ routes: [route], rate, seconds })));
    await app.close();

    console.log(`\nbench:api: ${agents.toLocaleString('en-US')} agents in PostgreSQL, ${rate} requests/s for ${seconds} s each, load from a separate process on loopback`);
    console.log(TABLE_HEADER);
    for (const r of rows) console.log(tableRow(r, rows[0]!.p99));
    console.log('targets: filtered first page with counts p99 < 20 ms; name search p99 < 50 ms');
  });
}

main().catch((err: unknown) => {
  console.error(`bench:api failed: ${(err as Error).message}`);
  process.exitCode = 1;
});
