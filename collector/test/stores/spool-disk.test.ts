import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriter } from '../../src/stores/clickhouse/batch-writer';
import { openTelemetryDb, type TelemetryDb } from '../../src/stores/clickhouse/client';
import { migrateClickHouse } from '../../src/stores/clickhouse/migrate';
import { openSpool } from '../../src/stores/clickhouse/spool';
import { HEADER_BYTES } from '../../src/stores/clickhouse/spool-segments';
import { authedApp } from '../api/support';
import { CONTROL_PLANE, quietLogger, testMetrics } from '../support/stores';
import { uniqueName, workerDataDir } from '../support/paths';
import { many } from '../support/spool-rows';
import { systemTelemetry } from '../support/system-db';
import { until } from '../support/wait';

/**
 * The spool's directory removed under a running collector (an operator's cleanup, a tmpfs
 * remount): every request is answered 200, or 503 with Retry-After, which exporters retry; never
 * a 500, which they drop. Once the spool has its directory again, every accepted row is stored
 * once. Real chdb; the ingest API, as an agent sends to it.
 */
describe(`the ingest spool loses its directory (real chdb and ${CONTROL_PLANE})`, () => {
  it('makes it again and goes on: 200 or 503 with Retry-After, never 500, and every accepted interaction stored once', async () => {
    const dataDir = join(workerDataDir(), uniqueName('spool-gone'));
    const t = await authedApp({ ARM_DATA_DIR: dataDir, ARM_INGEST_SPOOL_MAX_MB: '1' });
    try {
      const key = await t.key('ingest');
      const item = (id: string) => ({ id, agent: 'spool-bot', vendor: 'openai', model: 'gpt-4o-mini', startedAt: new Date(Date.now() - 60_000).toISOString(), latencyMs: 5, tokens: { input: 10, output: 5 }, status: 'ok', systemInstructions: 'x'.repeat(2000) });
      const accepted: string[] = [];
      const statuses: number[] = [];
      const send = async (tag: string) => {
        const ids = Array.from({ length: 40 }, (_, i) => `${tag}-${i}`);
        const res = await t.call(key, { method: 'POST', url: '/api/v1/ingest/interactions', payload: { interactions: ids.map(item) } });
        statuses.push(res.status);
        if (res.status === 200) accepted.push(...ids);
        else expect({ status: res.status, retryAfter: Number(res.headers['retry-after']) > 0 }).toEqual({ status: 503, retryAfter: true });
      };
      await send('before');
      const spoolDir = join(dataDir, 'spool');
      expect(readdirSync(spoolDir).length).toBeGreaterThan(0);
      rmSync(spoolDir, { recursive: true, force: true });
      for (let i = 0; i < 20; i++) await send(`after-${i}`);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(10);
      const agent = ((await t.call(t.admin, { url: '/api/v1/agents?type=CUSTOM' })).body.data as { id: string; name: string }[]).find((a) => a.name === 'spool-bot')!;
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const storedIds = async () => {
        const ids: string[] = [];
        for (let cursor: string | null = null; ; ) {
          const page: { data: { id: string }[]; meta: { nextCursor: string | null } } = (await t.call(t.admin, { url: `/api/v1/agents/${agent.id}/interactions?from=${from}&limit=500${cursor ? `&cursor=${cursor}` : ''}` })).body;
          ids.push(...page.data.map((r) => r.id));
          cursor = page.meta.nextCursor;
          if (!cursor) return ids;
        }
      };
      const ids = await until('every accepted interaction stored', async () => {
        const got = await storedIds();
        return got.length >= accepted.length ? got : undefined;
      }, 20_000);
      expect(ids.length).toBe(new Set(ids).size);
      expect(new Set(ids)).toEqual(new Set(accepted));
    } finally {
      await t.close();
    }
  });
});

describe('a spool segment garbled on disk (chdb, an outage injected)', () => {
  it('recovers every unstored frame when a byte of a stored frame before the checkpoint, or of an unstored one, is garbled', async () => {
    const db = systemTelemetry(await openTelemetryDb({ url: null, dataDir: join(workerDataDir(), 'chdb'), database: uniqueName('garbled') }));
    await migrateClickHouse(db);
    const dir = join(workerDataDir(), uniqueName('garbled-spool'));
    let down = false;
    const flaky: TelemetryDb = { ...db, insertJson: async (table, encoded) => { if (down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }); return db.insertJson(table, encoded); } };
    const open = async () => {
      const { metrics } = testMetrics();
      const writer = new BatchWriter(flaky, { batchSize: 1000, flushMs: 60_000, maxRetries: 0, retryBaseMs: 1 }, metrics, quietLogger());
      return { writer, spool: await openSpool({ dir, table: 'interactions', maxBytes: 64 << 20, writer, log: quietLogger(), metrics, retryMs: 5 }) };
    };
    const count = async () => Number((await db.query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.interactions FINAL'))[0]!.n);
    try {
      const a = await open();
      await a.spool.append(many(5));
      await until('the first frame stored', async () => (a.spool.backlog().rows === 0 ? true : undefined), 10_000);
      down = true;
      await a.spool.append(many(7));
      await a.spool.append(many(8));
      await a.spool.close();
      await a.writer.close();
      // One byte of the stored frame's payload flipped: its checksum no longer holds.
      const segment = join(dir, readdirSync(dir).filter((f) => f.endsWith('.spool')).sort()[0]!);
      const bytes = readFileSync(segment);
      bytes[HEADER_BYTES + 10]! ^= 0xff;
      writeFileSync(segment, bytes);
      down = false;
      const b = await open();
      expect(b.spool.backlog().rows).toBe(15);
      await until('the 15 unstored rows stored', async () => (b.spool.backlog().rows === 0 ? true : undefined), 10_000);
      expect(await count()).toBe(20);
      await b.spool.close();
      await b.writer.close();

      // A garbled byte in an unstored frame in the middle of the backlog: the frames after it come back.
      down = true;
      const c = await open();
      const [first, second, third] = [many(3), many(4), many(5)];
      for (const rows of [first, second, third]) await c.spool.append(rows);
      await c.spool.close();
      await c.writer.close();
      const seg = join(dir, readdirSync(dir).filter((f) => f.endsWith('.spool')).sort().at(-1)!);
      const file = readFileSync(seg);
      const secondAt = HEADER_BYTES + file.readUInt32LE(4);
      file[secondAt + HEADER_BYTES + 5]! ^= 0xff;
      writeFileSync(seg, file);
      down = false;
      const d = await open();
      expect(d.spool.backlog().rows).toBe(first.length + third.length);
      await until('the frames around the garbled one stored', async () => (d.spool.backlog().rows === 0 ? true : undefined), 10_000);
      const ids = (await db.query<{ id: string }>('SELECT id FROM {db:Identifier}.interactions FINAL WHERE id IN {ids:Array(String)}', { ids: [...first, ...second, ...third].map((r) => r.id) })).map((r) => r.id);
      expect(ids.sort()).toEqual([...first, ...third].map((r) => r.id).sort());
      await d.spool.close();
      await d.writer.close();
    } finally {
      await db.close();
    }
  });
});
