import { constants } from 'node:fs';
import { appendFile, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { BatchWriter } from '../../src/stores/clickhouse/batch-writer';
import { openTelemetryDb, rowsOf, type TelemetryDb } from '../../src/stores/clickhouse/client';
import { migrateClickHouse } from '../../src/stores/clickhouse/migrate';
import { openSpool, SpoolFullError, type Spool, type SpoolOptions } from '../../src/stores/clickhouse/spool';
import { encodeFrame } from '../../src/stores/clickhouse/spool-segments';
import { asTenant, TenantScopeError } from '../../src/stores/tenant-scope';
import { createLogger } from '../../src/logger';
import { quietLogger, testMetrics } from '../support/stores';
import { uniqueName, workerDataDir } from '../support/paths';
import { systemTelemetry } from '../support/system-db';
import { interaction, many, ORG } from '../support/spool-rows';

const OTHER_ORG = '33333333-3333-4333-8333-333333333333';

/**
 * The real chdb store behind a switch: `down` fails every insert the way an unreachable server
 * does; `lostReplies` lets inserts land but fails them after, as a reply lost on the way back
 * does (the writer cannot tell it from a failure, so it writes the rows again).
 */
function withOutage(db: TelemetryDb) {
  const state = { down: false, lostReplies: false, stored: [] as string[], failed: 0, reserialised: 0 };
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
  const write = async (rows: readonly Record<string, unknown>[], insert: () => Promise<void>) => {
    if (state.down) {
      state.failed++;
      throw refused();
    }
    await insert();
    state.stored.push(...rows.map((r) => String(r.id)));
    if (state.lostReplies) {
      state.failed++;
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
  };
  const wrapped: TelemetryDb = {
    ...db,
    async insert(table, rows) {
      state.reserialised++;
      await write(rows, () => db.insert(table, rows));
    },
    async insertJson(table, encoded) {
      await write(rowsOf(encoded), () => db.insertJson(table, encoded));
    },
  };
  return { db: wrapped, state };
}

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: createLogger('debug', stream, 'json'), lines };
}

describe('disk spool in front of ClickHouse (chdb, outages injected)', () => {
  let db: TelemetryDb;
  let dir: string;
  const open: { spool: Spool; writer: BatchWriter; sink: ReturnType<typeof testMetrics>['sink'] }[] = [];
  /** ai_arm_collector_spool_bytes as the latest spool's /metrics shows it. */
  const gauge = async () => Number(/ai_arm_collector_spool_bytes\{table="interactions"\} (\d+)/.exec(await open[open.length - 1]!.sink.render())?.[1]);
  const count = async (final = true) => (await db.query<{ n: number }>(`SELECT count() AS n FROM {db:Identifier}.interactions${final ? ' FINAL' : ''}`))[0]!.n;

  async function start(store: TelemetryDb, over: Partial<SpoolOptions> = {}) {
    const { metrics, sink } = testMetrics();
    const log = over.log ?? quietLogger();
    const writer = new BatchWriter(store, { batchSize: 1000, flushMs: 60_000, maxRetries: 1, retryBaseMs: 1 }, metrics, log);
    const spool = await openSpool({ dir, table: 'interactions', maxBytes: 64 << 20, writer, log, metrics, retryMs: 5, ...over });
    open.push({ spool, writer, sink });
    return spool;
  }
  async function waitFor(what: string, done: () => boolean) {
    for (const deadline = Date.now() + 10_000; !done(); ) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  const drained = (spool: Spool) => waitFor('the spool to drain', () => spool.backlog().rows === 0);
  const writeRows = async (sink: ReturnType<typeof testMetrics>['sink'], result: 'success' | 'failure') =>
    Number(new RegExp(`^ai_arm_collector_write_rows_total\\{store="clickhouse",table="interactions",result="${result}"\\} (\\d+)$`, 'm').exec(await sink.render())?.[1] ?? 0);

  beforeAll(async () => {
    db = systemTelemetry(await openTelemetryDb({ url: null, dataDir: join(workerDataDir(), 'chdb'), database: uniqueName('spool') }));
    await migrateClickHouse(db);
  });
  beforeEach(async () => {
    await db.command('TRUNCATE TABLE {db:Identifier}.interactions');
    dir = join(workerDataDir(), uniqueName('spool-dir'));
  });
  afterEach(async () => {
    for (const { spool, writer } of open.splice(0)) {
      await spool.close();
      await writer.close();
    }
  });
  afterAll(() => db.close());

  it('keeps rows appended during an outage and stores each exactly once, in append order, when writes succeed again', async () => {
    const { db: flaky, state } = withOutage(db);
    state.down = true;
    const spool = await start(flaky);
    const batches = [many(30), many(1), many(250), many(7)];
    for (const b of batches) await spool.append(b);
    expect(spool.backlog().rows).toBe(288);
    expect(spool.backlog().bytes).toBeGreaterThan(288 * 300);
    expect(await gauge()).toBe(spool.backlog().bytes);
    await new Promise((r) => setTimeout(r, 50));
    expect(await count()).toBe(0);

    state.down = false;
    await drained(spool);
    expect(spool.backlog()).toEqual({ rows: 0, bytes: 0 });
    expect(await count()).toBe(288);
    expect(await count(false)).toBe(288);
    expect(state.stored).toEqual(batches.flat().map((r) => r.id));
  });

  it('loses nothing and counts nothing twice across a restart mid-outage, even when stored rows are replayed', async () => {
    const { db: flaky, state } = withOutage(db);
    // Unmerged, the copies a replay writes stay visible to a plain count.
    await db.command('SYSTEM STOP MERGES {db:Identifier}.interactions');
    const first = await start(flaky);
    const stored = many(40);
    await first.append(stored);
    await drained(first);
    // Replies lost: the rows land but the spool cannot know, so it keeps them and writes them again later.
    state.lostReplies = true;
    const during = many(60);
    await first.append(during);
    await waitFor('a write that landed unacknowledged', () => state.stored.length > 40);
    state.down = true;
    const late = many(25);
    await first.append(late);
    await first.close();
    expect(first.backlog().rows).toBe(85);
    expect(await count()).toBe(100);

    // A segment older than the checkpoint (a crash between moving it and deleting the file) is stored already: not replayed.
    await writeFile(join(dir, 'interactions-000000000000.spool'), encodeFrame(many(3)));

    state.down = false;
    state.lostReplies = false;
    const second = await start(flaky);
    expect(second.backlog().rows).toBe(85);
    expect(await readdir(dir)).not.toContain('interactions-000000000000.spool');
    await drained(second);
    expect(await count()).toBe(125);
    // The replayed copies are there raw, and collapse: read with FINAL, and once merged.
    expect(state.stored.filter((id) => id === during[0]!.id).length).toBeGreaterThan(1);
    expect(await count(false)).toBeGreaterThan(125);
    await db.command('SYSTEM START MERGES {db:Identifier}.interactions');
    await db.command('OPTIMIZE TABLE {db:Identifier}.interactions FINAL');
    expect(await count(false)).toBe(125);
    // Rows stored before the restart were not replayed: the checkpoint held.
    expect(state.stored.filter((id) => id === stored[0]!.id)).toHaveLength(1);
  });

  it('refuses rows that do not fit with SpoolFullError and a Retry-After, and takes rows again once drained', async () => {
    const { db: flaky, state } = withOutage(db);
    state.down = true;
    const spool = await start(flaky, { maxBytes: 32 * 1024 });
    let accepted = 0;
    let full: unknown;
    for (let i = 0; i < 100 && !full; i++) {
      const rows = many(5);
      full = await spool.append(rows).then(() => void (accepted += 5), (e: unknown) => e);
    }
    expect(full).toBeInstanceOf(SpoolFullError);
    expect(await gauge()).toBeGreaterThan(32 * 1024 - 5000);
    const retryAfter = (full as SpoolFullError).retryAfterSeconds;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Nearly full of a backlog that is not moving: the wait it asks for is long.
    expect(retryAfter).toBeGreaterThan(30);
    expect(spool.backlog().bytes).toBeLessThanOrEqual(32 * 1024);
    expect(accepted).toBeGreaterThan(10);
    await expect(spool.append(many(5))).rejects.toBeInstanceOf(SpoolFullError);

    state.down = false;
    await drained(spool);
    // Drained segments are deleted: what stays is the one being written to.
    expect(await gauge()).toBeLessThan(8 * 1024);
    const after = many(5);
    await spool.append(after);
    await drained(spool);
    expect(await count()).toBe(accepted + 5);
    const files = await readdir(dir);
    expect(files.filter((f) => f.endsWith('.spool')).length).toBeLessThanOrEqual(2);
  });

  it('skips a torn record at a segment\'s end and a garbage segment with a warning, and recovers every whole record', async () => {
    const { db: flaky, state } = withOutage(db);
    state.down = true;
    const first = await start(flaky);
    await first.append(many(10));
    await first.append(many(15));
    await first.close();
    const [segment] = (await readdir(dir)).filter((f) => f.endsWith('.spool'));
    const torn = encodeFrame(many(3));
    await appendFile(join(dir, segment!), torn.subarray(0, torn.length - 7));
    await writeFile(join(dir, 'interactions-000000000099.spool'), Buffer.from('not a spool record at all\n'.repeat(10)));

    state.down = false;
    const { log, lines } = capturingLogger();
    const second = await start(flaky, { log });
    expect(second.backlog().rows).toBe(25);
    await drained(second);
    expect(await count()).toBe(25);
    expect(lines.filter((l) => l.level === 40 && /torn or garbled/.test(String(l.msg)))).toHaveLength(2);
    // And it goes on taking rows after the damaged files.
    await second.append(many(4));
    await drained(second);
    expect(await count()).toBe(29);
  });

  it('makes every one of many concurrent appends durable (two organisations, each in its own scope), sharing writes', async () => {
    const { db: flaky, state } = withOutage(db);
    state.down = true;
    const spool = await start(flaky);
    const calls = Array.from({ length: 200 }, (_, i) => {
      const org = i % 2 === 0 ? ORG : OTHER_ORG;
      const rows = Array.from({ length: 5 }, () => interaction({ organization_id: org }));
      return asTenant(org, () => spool.append(rows));
    });
    await Promise.all(calls);
    await spool.close();
    // Durable means on disk: a fresh spool over the directory finds every row.
    const reopened = await start(flaky);
    expect(reopened.backlog().rows).toBe(1000);
    state.down = false;
    await drained(reopened);
    expect(await count()).toBe(1000);
    const perOrg = await db.query<{ o: string; n: number }>('SELECT toString(organization_id) AS o, count() AS n FROM {db:Identifier}.interactions FINAL GROUP BY o ORDER BY o');
    expect(perOrg).toEqual([{ o: ORG, n: 500 }, { o: OTHER_ORG, n: 500 }]);
    // A tenant cannot slip another organisation's rows in.
    await expect(asTenant(ORG, () => reopened.append([interaction({ organization_id: OTHER_ORG })]))).rejects.toThrow(TenantScopeError);
  });

  it('writes its active segment O_DSYNC: an append resolves once its data is on disk, in one write (the open flags, from /proc/self/fdinfo)', async () => {
    const spool = await start(db);
    await spool.append(many(3));
    const segments: string[] = [];
    for (const fd of await readdir('/proc/self/fd')) {
      const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
      if (target.startsWith(dir) && target.endsWith('.spool')) segments.push(fd);
    }
    expect(segments).toHaveLength(1);
    const flags = parseInt(/^flags:\s+([0-7]+)$/m.exec(await readFile(`/proc/self/fdinfo/${segments[0]}`, 'utf8'))![1]!, 8);
    expect(flags & constants.O_DSYNC).toBe(constants.O_DSYNC);
    await drained(spool);
    expect(await count()).toBe(3);
  });

  it('skips a row ClickHouse refuses for its content without holding back the rows after it', async () => {
    const { db: flaky, state } = withOutage(db);
    const spool = await start(flaky);
    const bad = () => interaction({ duration_ms: 'not a number' });
    await spool.append([interaction(), bad(), interaction()]);
    await drained(spool);
    expect(await count()).toBe(2);
    // A batch of a bad row alone is skipped as well; it does not block what comes after it.
    await spool.append([bad()]);
    await new Promise((r) => setTimeout(r, 30));
    const later = many(3);
    await spool.append(later);
    await drained(spool);
    expect(await count()).toBe(5);
    expect(state.stored).toEqual(expect.arrayContaining(later.map((r) => r.id)));
  });

  it('skips a batch of bad rows alone at once, but keeps a batch ClickHouse refuses for a reason not its rows (a missing table)', async () => {
    const spool = await start(db);
    await spool.append([interaction({ duration_ms: 'not a number' })]);
    // Nothing appended after it: the drainer must not need later rows to move past it.
    await drained(spool);
    await spool.close();
    let refusedWhole = 0;
    const noTable = async () => {
      refusedWhole++;
      throw Object.assign(new Error('Table x.interactions does not exist.'), { code: '60' });
    };
    const missingTable: TelemetryDb = { ...db, insert: noTable, insertJson: noTable };
    const held = await start(missingTable);
    await held.append(many(3));
    await waitFor('a second try of the refused batch', () => refusedWhole >= 2);
    expect(held.backlog().rows).toBe(3);
    // Held, not lost: no failure counted, however often the batch is tried (the bad row alone was one).
    expect(await writeRows(open[0]!.sink, 'failure')).toBe(1);
    expect(await writeRows(open[open.length - 1]!.sink, 'failure')).toBe(0);
    await held.close();
    const reopened = await start(db);
    await drained(reopened);
    expect(await count()).toBe(3);
    await reopened.close();
  });

  it('stores every row exactly once when writes fail and recover over and over while appends keep coming', async () => {
    const { db: flaky, state } = withOutage(db);
    await db.command('SYSTEM STOP MERGES {db:Identifier}.interactions');
    const spool = await start(flaky, { batchRows: 40 });
    const sent: string[] = [];
    const appending = (async () => {
      for (let wave = 0; wave < 12; wave++) {
        // Five callers at a time; the order of the calls is the order of the spool.
        const calls = Array.from({ length: 5 }, (_, i) => {
          const rows = many(1 + ((wave + i) % 9));
          sent.push(...rows.map((r) => r.id));
          return spool.append(rows);
        });
        await Promise.all(calls);
      }
    })();
    for (let flip = 0; flip < 8; flip++) {
      // Down, then replies lost (rows land unacknowledged), then up: each for a few milliseconds.
      state.down = flip % 3 === 0;
      state.lostReplies = flip % 3 === 1;
      await new Promise((r) => setTimeout(r, 8));
    }
    await appending;
    state.down = false;
    state.lostReplies = false;
    await drained(spool);
    expect(state.failed).toBeGreaterThan(0);
    expect(await count()).toBe(sent.length);
    const ids = await db.query<{ id: string }>('SELECT id FROM {db:Identifier}.interactions FINAL ORDER BY id');
    expect(ids.map((r) => r.id)).toEqual([...sent].sort());
    // Rows reached the table in the order they were accepted, replays apart.
    const firstSeen = [...new Set(state.stored)];
    expect(firstSeen).toEqual(sent);
    await db.command('SYSTEM START MERGES {db:Identifier}.interactions');
  });

  it('reads back, after a restart, a record larger than the chunks it reads the disk in', async () => {
    const { db: flaky, state } = withOutage(db);
    state.down = true;
    const first = await start(flaky);
    const small = many(2);
    const big = [interaction({ content: 'x'.repeat(5 << 20) }), interaction({ content: 'y'.repeat(5 << 20) })];
    await first.append(small);
    await first.append(big);
    await first.append(many(1));
    await first.close();
    state.down = false;
    const second = await start(flaky);
    expect(second.backlog().rows).toBe(5);
    await drained(second);
    const lengths = await db.query<{ id: string; n: number }>('SELECT id, length(content) AS n FROM {db:Identifier}.interactions FINAL ORDER BY id');
    expect(lengths.map((r) => r.n)).toEqual([0, 0, 5 << 20, 5 << 20, 0]);
  });

  it('hands the engine the JSON it spooled, frames joined into inserts, from memory and from disk after a restart, every value intact', async () => {
    const { db: flaky, state } = withOutage(db);
    const frames = Array.from({ length: 70 }, (_, f) => Array.from({ length: 100 }, (_, i) => interaction({ input_tokens: f * 100 + i, content: `é"\\n${f}` })));
    const expected = { n: 7000, tokens: (6999 * 7000) / 2 };
    // The first half is appended while ClickHouse is down and read back from disk after a restart; the second half from memory.
    state.down = true;
    const first = await start(flaky);
    for (const rows of frames.slice(0, 35)) await first.append(rows);
    await first.close();
    state.down = false;
    const second = await start(flaky);
    await drained(second);
    await Promise.all(frames.slice(35).map((rows) => second.append(rows)));
    await drained(second);
    const [got] = await db.query<{ n: number; tokens: number; contents: number }>(
      "SELECT count() AS n, sum(input_tokens) AS tokens, countIf(startsWith(content, 'é\"\\\\n')) AS contents FROM {db:Identifier}.interactions FINAL",
    );
    expect(got).toEqual({ ...expected, contents: 7000 });
    expect(new Set(state.stored).size).toBe(7000);
    // No batch fell back to serialising its rows again (as one split to isolate a refused row would).
    expect(state.reserialised).toBe(0);
  });

  it('stores light traffic at once, and under load waits for a full batch (or its time, or close) to store few large parts', async () => {
    const inserts: number[] = [];
    const counting: TelemetryDb = { ...db, insertJson: (table, encoded) => (inserts.push(encoded.reduce((n, e) => n + e.rows, 0)), db.insertJson(table, encoded)) };
    const spool = await start(counting, { batchRows: 100, storeEveryMs: 60_000, paceRows: 10 });
    // Stores of fewer than paceRows rows: nothing waits.
    await spool.append(many(5));
    await drained(spool);
    await spool.append(many(5));
    await drained(spool);
    // A store of paceRows or more: the next one waits for a full batch (or a minute).
    await spool.append(many(12));
    await drained(spool);
    for (let i = 0; i < 20; i++) await spool.append(many(5));
    await drained(spool);
    expect(inserts).toEqual([5, 5, 12, 100]);
    await spool.append(many(3));
    await new Promise((r) => setTimeout(r, 100));
    expect(spool.backlog().rows).toBe(3);
    await spool.close();
    expect(inserts).toEqual([5, 5, 12, 100, 3]);
    expect(await count()).toBe(125);
  });

  it('refuses appends once closed', async () => {
    const spool = await start(db);
    await spool.close();
    await expect(spool.append(many(1))).rejects.toThrow(/closed/);
  });
});
