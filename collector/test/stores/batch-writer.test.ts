import { join } from 'node:path';
import { BatchWriter, RowsNotStoredError } from '../../src/stores/clickhouse/batch-writer';
import { openTelemetryDb, type JsonRows, type TelemetryDb } from '../../src/stores/clickhouse/client';
import { isTransientWriteError } from '../../src/stores/clickhouse/errors';
import { migrateClickHouse } from '../../src/stores/clickhouse/migrate';
import { quietLogger, testMetrics } from '../support/stores';
import { uniqueName, workerDataDir } from '../support/paths';
import { systemTelemetry } from '../support/system-db';
import { asTenant, TenantScopeError } from '../../src/stores/tenant-scope';

const ORG = '11111111-1111-4111-8111-111111111111';
let seq = 0;
const check = (over: Record<string, unknown> = {}) => ({
  organization_id: ORG,
  agent_id: '22222222-2222-4222-8222-222222222222',
  id: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
  timestamp: '2026-11-25T10:00:00.000Z',
  status: 'HEALTHY',
  latency_ms: 100,
  error_rate: 0,
  details: '{}',
  ...over,
});

/**
 * The real chdb store behind a switch that makes inserts fail the way a ClickHouse
 * server that is down or overloaded does: the store itself is not replaced.
 */
function withOutage(db: TelemetryDb) {
  const state = { failuresLeft: 0, error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }), inserts: 0 };
  const wrapped: TelemetryDb = {
    ...db,
    async insert(table, rows) {
      state.inserts++;
      if (state.failuresLeft > 0) {
        state.failuresLeft--;
        throw state.error;
      }
      return db.insert(table, rows);
    },
    async insertJson(table, encoded) {
      state.inserts++;
      if (state.failuresLeft > 0) {
        state.failuresLeft--;
        throw state.error;
      }
      return db.insertJson(table, encoded);
    },
  };
  return { db: wrapped, state };
}

describe('ClickHouse batch writer on chdb', () => {
  let db: TelemetryDb;
  const count = async () => (await db.query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.agent_health_checks FINAL'))[0]!.n;

  // One migrated database for the file (migrating one takes longer than a test); each test starts
  // with the table empty.
  beforeAll(async () => {
    db = systemTelemetry(await openTelemetryDb({ url: null, dataDir: join(workerDataDir(), 'chdb'), database: uniqueName('bw') }));
    await migrateClickHouse(db);
  });
  beforeEach(() => db.command('TRUNCATE TABLE {db:Identifier}.agent_health_checks'));
  afterAll(() => db.close());

  it('flushes when a batch fills, and the rest on close', async () => {
    const { metrics, sink } = testMetrics();
    const writer = new BatchWriter(db, { batchSize: 10, flushMs: 60_000, maxRetries: 0 }, metrics, quietLogger());
    writer.write('agent_health_checks', Array.from({ length: 25 }, () => check()));
    await writer.flush('agent_health_checks');
    expect(await count()).toBe(25);
    writer.write('agent_health_checks', [check(), check()]);
    expect(writer.buffered()).toBe(2);
    await writer.close();
    expect(await count()).toBe(27);
    expect(await sink.render()).toMatch(/ai_arm_collector_write_rows_total\{store="clickhouse",table="agent_health_checks",result="success"\} 27/);
    expect(() => writer.write('agent_health_checks', [check()])).toThrow(/closed/);
  });

  it('flushes on its timer', async () => {
    const { metrics } = testMetrics();
    const writer = new BatchWriter(db, { batchSize: 1000, flushMs: 50, maxRetries: 0 }, metrics, quietLogger());
    writer.write('agent_health_checks', [check(), check(), check()]);
    for (let i = 0; i < 100 && writer.buffered() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    await writer.flush();
    expect(await count()).toBe(3);
    await writer.close();
  });

  it('retries a transient failure and writes each row exactly once', async () => {
    const { db: flaky, state } = withOutage(db);
    const { metrics, sink } = testMetrics();
    const writer = new BatchWriter(flaky, { batchSize: 100, flushMs: 60_000, maxRetries: 3, retryBaseMs: 1 }, metrics, quietLogger());
    state.failuresLeft = 2;
    writer.write('agent_health_checks', Array.from({ length: 5 }, () => check()));
    await writer.flush();
    expect(state.inserts).toBe(3);
    expect(await count()).toBe(5);
    expect(await sink.render()).toMatch(/ai_arm_collector_write_retries_total\{store="clickhouse",table="agent_health_checks"\} 2/);
    await writer.close();
  });

  it('keeps rows buffered through an outage longer than its retries, then writes them once', async () => {
    const { db: flaky, state } = withOutage(db);
    const { metrics, sink } = testMetrics();
    const writer = new BatchWriter(flaky, { batchSize: 100, flushMs: 60_000, maxRetries: 1, retryBaseMs: 1 }, metrics, quietLogger());
    state.failuresLeft = 5;
    writer.write('agent_health_checks', Array.from({ length: 4 }, () => check()));
    await writer.flush();
    expect(writer.buffered()).toBe(4);
    expect(await count()).toBe(0);
    expect(await sink.render()).toMatch(/ai_arm_collector_write_buffered\{store="clickhouse",table="agent_health_checks"\} 4/);
    state.failuresLeft = 0;
    await writer.close();
    expect(await count()).toBe(4);
    expect(writer.buffered()).toBe(0);
  });

  it('isolates a row the server rejects, so the good rows of its batch still land', async () => {
    const { metrics, sink } = testMetrics();
    const writer = new BatchWriter(db, { batchSize: 100, flushMs: 60_000, maxRetries: 2, retryBaseMs: 1 }, metrics, quietLogger());
    const rows = Array.from({ length: 7 }, () => check());
    rows[4] = check({ latency_ms: 'not a number' });
    writer.write('agent_health_checks', rows);
    await writer.close();
    expect(await count()).toBe(6);
    const text = await sink.render();
    expect(text).toMatch(/result="failure"\} 1\b/);
    expect(text).toMatch(/result="success"\} 6\b/);
  });

  it('drops the oldest rows past its buffer bound during an outage, and counts them', async () => {
    const { db: flaky, state } = withOutage(db);
    const { metrics, sink } = testMetrics();
    const writer = new BatchWriter(flaky, { batchSize: 2, flushMs: 60_000, maxRetries: 0, maxBufferedRows: 3 }, metrics, quietLogger());
    state.failuresLeft = 1000;
    writer.write('agent_health_checks', [check(), check(), check()]);
    await writer.flush();
    expect(writer.buffered()).toBe(3);
    const newest = [check(), check()];
    writer.write('agent_health_checks', newest);
    expect(writer.buffered()).toBe(3);
    state.failuresLeft = 0;
    await writer.close();
    expect(await count()).toBe(3);
    const ids = await db.query<{ id: string }>('SELECT toString(id) AS id FROM {db:Identifier}.agent_health_checks');
    expect(ids.map((r) => r.id)).toEqual(expect.arrayContaining(newest.map((r) => r.id)));
    expect(await sink.render()).toMatch(/result="failure"\} 2\b/);
  });
});

describe('batch writer store(): written now, resolved once stored', () => {
  let db: TelemetryDb;
  const count = async () => (await db.query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.agent_health_checks'))[0]!.n;
  const opts = { batchSize: 2, flushMs: 60_000, maxRetries: 1, retryBaseMs: 1 };

  beforeAll(async () => {
    db = systemTelemetry(await openTelemetryDb({ url: null, dataDir: join(workerDataDir(), 'chdb'), database: uniqueName('bws') }));
    await migrateClickHouse(db);
  });
  beforeEach(() => db.command('TRUNCATE TABLE {db:Identifier}.agent_health_checks'));
  afterAll(() => db.close());

  it('writes past the buffer, whatever the batch size, and counts the rows like buffered ones', async () => {
    const { metrics, sink } = testMetrics();
    const writer = new BatchWriter(db, opts, metrics, quietLogger());
    await writer.store('agent_health_checks', Array.from({ length: 7 }, () => check()));
    expect(await count()).toBe(7);
    expect(writer.buffered()).toBe(0);
    await writer.store('agent_health_checks', []);
    expect(await sink.render()).toMatch(/ai_arm_collector_write_rows_total\{store="clickhouse",table="agent_health_checks",result="success"\} 7\b/);
    await writer.close();
  });

  it('retries a transient failure inside the call, and writes each row once', async () => {
    const { db: flaky, state } = withOutage(db);
    const { metrics, sink } = testMetrics();
    const writer = new BatchWriter(flaky, opts, metrics, quietLogger());
    state.failuresLeft = 1;
    await writer.store('agent_health_checks', [check(), check(), check()]);
    expect(state.inserts).toBe(2);
    expect(await count()).toBe(3);
    expect(await sink.render()).toMatch(/ai_arm_collector_write_retries_total\{store="clickhouse",table="agent_health_checks"\} 1\b/);
    await writer.close();
  });

  it('rejects when an outage outlasts the retries, keeping nothing: the rows stay the caller\'s, uncounted', async () => {
    const { db: flaky, state } = withOutage(db);
    const { metrics, sink } = testMetrics();
    const writer = new BatchWriter(flaky, opts, metrics, quietLogger());
    state.failuresLeft = 2;
    const err = await writer.store('agent_health_checks', [check(), check(), check()]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RowsNotStoredError);
    expect(err).toMatchObject({ table: 'agent_health_checks', rows: 3, rejected: 0, unwritten: 3 });
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    expect(writer.buffered()).toBe(0);
    await writer.close();
    expect(await count()).toBe(0);
    expect(await sink.render()).not.toMatch(/ai_arm_collector_write_rows_total\{[^}]*agent_health_checks/);
  });

  it('stores the good rows of a batch with a refused row, counts that one as a failure, and still rejects', async () => {
    const { metrics, sink } = testMetrics();
    const writer = new BatchWriter(db, opts, metrics, quietLogger());
    const rows = Array.from({ length: 5 }, () => check());
    rows[1] = check({ latency_ms: 'not a number' });
    await expect(writer.store('agent_health_checks', rows)).rejects.toMatchObject({ rows: 5, rejected: 1, unwritten: 0 });
    expect(await count()).toBe(4);
    const text = await sink.render();
    expect(text).toMatch(/result="failure"\} 1\b/);
    expect(text).toMatch(/result="success"\} 4\b/);
    await writer.close();
  });

  it('refuses a batch the store refuses whole (no such table) in one insert, not row by row', async () => {
    const { metrics, sink } = testMetrics();
    let inserts = 0;
    const counting: TelemetryDb = { ...db, insert: (table, rows) => (inserts++, db.insert(table, rows)) };
    const writer = new BatchWriter(counting, opts, metrics, quietLogger());
    const err = await writer.store('no_such_table', Array.from({ length: 64 }, () => check())).catch((e: unknown) => e);
    expect(err).toMatchObject({ rows: 64, rejected: 64, unwritten: 0 });
    expect((err as Error).message).toMatch(/does not exist/);
    expect(inserts).toBe(1);
    // A row the server cannot parse is still isolated: a few inserts, the good rows stored.
    inserts = 0;
    const rows = Array.from({ length: 64 }, () => check());
    rows[9] = check({ latency_ms: 'not a number' });
    await expect(writer.store('agent_health_checks', rows)).rejects.toMatchObject({ rejected: 1 });
    expect(inserts).toBeGreaterThan(1);
    expect(inserts).toBeLessThan(20);
    expect(await count()).toBe(63);
    expect(await sink.render()).toMatch(/table="no_such_table",result="failure"\} 64\b/);
    await writer.close();
  });

  it('refuses, before writing anything, rows of another organisation than the one it acts for', async () => {
    const { metrics } = testMetrics();
    const writer = new BatchWriter(db, opts, metrics, quietLogger());
    const other = check({ organization_id: '33333333-3333-4333-8333-333333333333' });
    await expect(asTenant(ORG, () => writer.store('agent_health_checks', [check(), other]))).rejects.toThrow(TenantScopeError);
    expect(await count()).toBe(0);
    await asTenant(ORG, () => writer.store('agent_health_checks', [check()]));
    expect(await count()).toBe(1);
    await writer.close();
  });

  it('lets a store in flight finish on close, and refuses one after it', async () => {
    const { metrics } = testMetrics();
    const writer = new BatchWriter(db, opts, metrics, quietLogger());
    const storing = writer.store('agent_health_checks', [check(), check()]);
    await writer.close();
    expect(await count()).toBe(2);
    await storing;
    await expect(writer.store('agent_health_checks', [check()])).rejects.toThrow(/closed/);
  });

  /** Rows as the spool holds them: JSON arrays, several rows each. */
  const frames = (rows: Record<string, unknown>[], per: number): JsonRows[] => {
    const out: JsonRows[] = [];
    for (let i = 0; i < rows.length; i += per) out.push({ json: Buffer.from(JSON.stringify(rows.slice(i, i + per))), rows: Math.min(per, rows.length - i) });
    return out;
  };

  it('stores serialised rows as their bytes, and parses them back only to isolate a row refused for its content', async () => {
    const { metrics, sink } = testMetrics();
    const calls = { rows: 0, json: 0 };
    const counting: TelemetryDb = { ...db, insert: (table, rows) => (calls.rows++, db.insert(table, rows)), insertJson: (table, encoded) => (calls.json++, db.insertJson(table, encoded)) };
    const writer = new BatchWriter(counting, opts, metrics, quietLogger());
    await writer.storeJson('agent_health_checks', frames(Array.from({ length: 7 }, () => check()), 3));
    expect(calls).toEqual({ rows: 0, json: 1 });
    expect(await count()).toBe(7);
    const rows = Array.from({ length: 16 }, () => check());
    rows[11] = check({ latency_ms: 'not a number' });
    await expect(writer.storeJson('agent_health_checks', frames(rows, 4))).rejects.toMatchObject({ rows: 16, rejected: 1, rejectedForContent: 1, unwritten: 0 });
    expect(calls.json).toBe(2);
    expect(calls.rows).toBeGreaterThan(1);
    expect(await count()).toBe(7 + 15);
    expect(await sink.render()).toMatch(/result="success"\} 22\b/);
    await writer.close();
  });

  it('counts serialised rows unwritten after the retries, and refuses them from code acting for one organisation', async () => {
    const { db: flaky, state } = withOutage(db);
    const { metrics } = testMetrics();
    const writer = new BatchWriter(flaky, opts, metrics, quietLogger());
    state.failuresLeft = 2;
    await expect(writer.storeJson('agent_health_checks', frames([check(), check(), check()], 2))).rejects.toMatchObject({ rows: 3, rejected: 0, unwritten: 3 });
    expect(state.inserts).toBe(2);
    // Bytes cannot be checked against a tenant's scope, even when every row in them is the tenant's.
    await expect(asTenant(ORG, () => writer.storeJson('agent_health_checks', frames([check()], 1)))).rejects.toThrow(TenantScopeError);
    expect(await count()).toBe(0);
    await writer.close();
  });
});

describe('write error classification', () => {
  it.each([
    [{ code: 'ECONNRESET' }, true],
    [{ code: '252', message: 'Too many parts' }, true],
    [{ message: 'socket hang up' }, true],
    [{ code: '62', message: 'Syntax error' }, false],
    [{ code: '27', message: 'Cannot parse input' }, false],
    [{ message: 'wrapped', cause: { code: 'ETIMEDOUT' } }, true],
    [null, false],
  ])('classifies %j as transient=%s', (err, transient) => {
    expect(isTransientWriteError(err)).toBe(transient);
  });
});
