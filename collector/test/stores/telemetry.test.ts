import { join } from 'node:path';
import { readMigrations } from '@ai-arm/schemas';
import { EMBEDDED_INSERT_ROWS, openTelemetryDb, type TelemetryDb } from '../../src/stores/clickhouse/client';
import { migrateClickHouse, splitStatements } from '../../src/stores/clickhouse/migrate';
import { uniqueName, workerDataDir } from '../support/paths';
import { systemTelemetry } from '../support/system-db';

describe('telemetry store on chdb', () => {
  let db: TelemetryDb;
  beforeAll(async () => {
    db = systemTelemetry(await openTelemetryDb({ url: null, dataDir: join(workerDataDir(), 'chdb'), database: uniqueName('tel') }));
  });
  afterAll(() => db.close());

  it('applies every migration once, in its own database', async () => {
    const first = await migrateClickHouse(db);
    expect(first.applied).toEqual(readMigrations('clickhouse').map((m) => `${String(m.version).padStart(3, '0')}_${m.name}`));
    expect((await migrateClickHouse(db)).applied).toEqual([]);
    const tables = await db.query<{ name: string }>('SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name');
    const declared = readMigrations('clickhouse').flatMap((m) => [...m.sql.matchAll(/CREATE TABLE IF NOT EXISTS \{db:Identifier\}\.(\w+)/g)].map((x) => x[1]!));
    expect(declared).toContain('vendor_usage');
    expect(tables.map((t) => t.name)).toEqual([...declared, 'schema_migrations'].sort());
  });

  it('refuses a migration edited after it was applied', async () => {
    const edited = readMigrations('clickhouse').map((m) => ({ ...m, checksum: '0'.repeat(64) }));
    await expect(migrateClickHouse(db, edited)).rejects.toThrow(/changed after it was applied/);
  });

  it('writes rows and reads them back with typed parameters; 64-bit integers are numbers', async () => {
    const org = '11111111-1111-4111-8111-111111111111';
    const agent = '22222222-2222-4222-8222-222222222222';
    await db.insert('agent_health_checks', [
      { organization_id: org, agent_id: agent, id: '33333333-3333-4333-8333-333333333333', timestamp: '2026-11-25T10:00:00.000Z', status: 'HEALTHY', latency_ms: 120.5, error_rate: 0, details: '{}' },
      { organization_id: org, agent_id: agent, id: '44444444-4444-4444-8444-444444444444', timestamp: '2026-11-25T10:05:00.000Z', status: 'DOWN', latency_ms: 3000, error_rate: 1, details: '{"error":"timeout"}' },
    ]);
    const rows = await db.query<{ status: string; n: number }>(
      'SELECT status, count() AS n FROM {db:Identifier}.agent_health_checks FINAL WHERE organization_id = {org:UUID} GROUP BY status ORDER BY status',
      { org },
    );
    expect(rows).toEqual([{ status: 'DOWN', n: 1 }, { status: 'HEALTHY', n: 1 }]);
    const other = await db.query('SELECT id FROM {db:Identifier}.agent_health_checks WHERE organization_id = {org:UUID}', { org: agent });
    expect(other).toEqual([]);
  });

  it('collapses a re-delivered row instead of counting it twice', async () => {
    const row = { organization_id: '55555555-5555-4555-8555-555555555555', agent_id: '66666666-6666-4666-8666-666666666666', id: '77777777-7777-4777-8777-777777777777', timestamp: '2026-11-25T11:00:00.000Z', status: 'DEGRADED', latency_ms: 900, error_rate: 0.2, details: '{}' };
    await db.insert('agent_health_checks', [row]);
    await db.insert('agent_health_checks', [row]);
    const [r] = await db.query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.agent_health_checks FINAL WHERE id = {id:UUID}', { id: row.id });
    expect(r!.n).toBe(1);
  });

  it('passes text through the embedded insert intact, and a failed insert carries ClickHouse’s error code', async () => {
    const org = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
    const details = 'line one\nline "two" \\ tab\t ünïcödé 🚀 [{"not":"a row"}]';
    await db.insert('agent_health_checks', [{ organization_id: org, agent_id: org, id: org, timestamp: '2026-11-25T13:00:00Z', status: 'HEALTHY', latency_ms: 1, error_rate: 0, details }]);
    const [r] = await db.query<{ details: string; timestamp: string }>('SELECT details, timestamp FROM {db:Identifier}.agent_health_checks WHERE organization_id = {org:UUID}', { org });
    expect(r).toEqual({ details, timestamp: '2026-11-25 13:00:00.000' });
    // The batch writer retries by this code (a missing table is 60, UNKNOWN_TABLE: not retried).
    await expect(db.insert('no_such_table', [{ a: 1 }])).rejects.toMatchObject({ code: '60', message: expect.stringMatching(/no_such_table/) });
  });

  it('reports a bad query as an error naming the problem', async () => {
    await expect(db.query('SELECT nope FROM {db:Identifier}.agent_health_checks')).rejects.toThrow(/nope/);
    await expect(db.insert('Bad-Name', [{ a: 1 }])).rejects.toThrow(/bad table name/);
  });

  it('returns freed engine memory on request without disturbing the data', async () => {
    const before = await db.query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.agent_health_checks');
    await expect(db.releaseMemory()).resolves.toBeUndefined();
    expect(await db.query('SELECT count() AS n FROM {db:Identifier}.agent_health_checks')).toEqual(before);
  });

  it('runs inserts into the embedded engine one at a time, in order, and a failed one does not hold up the next', async () => {
    const org = '88888888-8888-4888-8888-888888888888';
    const row = (i: number) => ({ organization_id: org, agent_id: org, id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, timestamp: '2026-11-25T12:00:00.000Z', status: 'HEALTHY', latency_ms: 1, error_rate: 0, details: '{}' });
    const settled: string[] = [];
    const track = (name: string, p: Promise<void>) => p.then(() => settled.push(`${name} ok`), (e: Error) => settled.push(`${name} failed: ${/uuid|UUID/.test(e.message) ? 'bad uuid' : e.message}`));
    // The big one is three INSERTs; the one-row inserts queue behind them.
    const big = 2 * EMBEDDED_INSERT_ROWS + 1000;
    await Promise.all([
      track('big', db.insert('agent_health_checks', Array.from({ length: big }, (_, i) => row(i)))),
      track('bad', db.insert('agent_health_checks', [{ ...row(big), id: 'not-a-uuid' }])),
      track('small', db.insert('agent_health_checks', [row(big + 1)])),
    ]);
    expect(settled).toEqual(['big ok', 'bad failed: bad uuid', 'small ok']);
    const [r] = await db.query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.agent_health_checks WHERE organization_id = {org:UUID}', { org });
    expect(r!.n).toBe(big + 1);
  });

  it('keeps vendor usage in compact parts past the size at which ClickHouse would go wide', async () => {
    const org = '99999999-9999-4999-8999-999999999999';
    const rows = Array.from({ length: 80_000 }, (_, i) => ({
      organization_id: org, connection_id: org, vendor: 'OPENAI', bucket_start: '2026-11-01 00:00:00', bucket_width: '1h',
      project_id: `proj_${'x'.repeat(40)}${i}`, api_key_id: `key_${'y'.repeat(40)}${i}`, model: 'gpt-4o-2024-08-06', operation: 'chat', service_tier: 'standard', context_window: '',
      requests: i, input_tokens: i, cache_read_tokens: 0, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, output_tokens: i, polled_at: '2026-11-02 00:00:00.000',
    }));
    await db.insert('vendor_usage', rows);
    await db.command('OPTIMIZE TABLE {db:Identifier}.vendor_usage FINAL');
    const parts = await db.query<{ part_type: string; bytes: number }>(
      "SELECT part_type, data_uncompressed_bytes AS bytes FROM system.parts WHERE database = {db:String} AND table = 'vendor_usage' AND active",
    );
    expect(parts).toHaveLength(1);
    // ClickHouse's default makes any part over 10 MB uncompressed wide (a file per column).
    expect(parts[0]!.bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(parts[0]!.part_type).toBe('Compact');
  });

  it('splits migration files into statements at line-ending semicolons', () => {
    expect(splitStatements("-- comment\nCREATE TABLE a (x String DEFAULT ';');\n\nCREATE TABLE b (y UInt8);\n")).toEqual([
      "CREATE TABLE a (x String DEFAULT ';')",
      'CREATE TABLE b (y UInt8)',
    ]);
  });
});
