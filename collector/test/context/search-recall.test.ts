import { labelledRecall } from '../../bench/context-recall';
import { ContextIndex } from '../../src/context/index/service';
import { openStores, type Stores } from '../../src/stores';
import { quietLogger, testConfig, testMetrics } from '../support/stores';
import { systemDb } from '../support/system-db';

/** The bar: the labelled set's paraphrased queries find their item in the first five hits 90% of the time, offline (MiniLM, real chdb). */
describe('context search recall on the labelled set', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await openStores(testConfig(), testMetrics().metrics, quietLogger());
  });
  afterAll(() => stores.close());

  it('has recall@5 of 0.9 or more across the organisation and within each agent', async () => {
    const [{ id: org }] = (await systemDb(stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [`recall-${Date.now()}`])) as [{ id: string }];
    const index = new ContextIndex({ controlPlane: stores.controlPlane, telemetry: stores.telemetry, vault: null, log: quietLogger() });
    const r = await labelledRecall(stores.telemetry, index, org);
    expect(r.items).toBeGreaterThanOrEqual(60);
    expect(r.queries).toBeGreaterThanOrEqual(60);
    if (r.recallAt5 < 0.9) console.log(JSON.stringify(r.misses, null, 1));
    expect(r.recallAt5).toBeGreaterThanOrEqual(0.9);
    expect(r.recallAt5ByAgent).toBeGreaterThanOrEqual(r.recallAt5);
    console.log(`recall@5 ${r.recallAt5} (by agent ${r.recallAt5ByAgent}), MRR ${r.mrr}, misses: ${r.misses.map((m) => m.q).join(' | ')}`);
  }, 120_000);
});
