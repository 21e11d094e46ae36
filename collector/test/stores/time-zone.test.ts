import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freshPostgres } from '../support/stores';

const run = promisify(execFile);
// 2026-03-01 00:30 UTC; in Pacific/Chatham (UTC+13:45 in March) it is 14:15 the same day, so a
// store reading it in local time lands on a different hour and, near midnight, a different day.
const EPOCH = 1772325000;

/**
 * Every store means UTC whatever the process's TZ: chdb runs in-process and would otherwise take
 * the collector's zone for DateTime parameters, parsing and `toDate`; a PostgreSQL server and PGlite
 * format timestamps in their session's zone.
 */
describe('timestamps mean UTC in a process whose TZ is Pacific/Chatham (chdb, PGlite, PostgreSQL)', () => {
  let pg: Awaited<ReturnType<typeof freshPostgres>>;
  beforeAll(async () => {
    pg = await freshPostgres();
  });
  afterAll(async () => {
    await pg?.drop();
  });

  it('every store reads a UTC timestamp as that instant and formats instants in UTC', async () => {
    const { stdout } = await run(process.execPath, ['--conditions=@ai-arm/source', '--import', 'tsx', join(__dirname, '../support/time-zone-probe.ts'), pg.url], {
      env: { ...process.env, TZ: 'Pacific/Chatham', NODE_OPTIONS: '' },
      timeout: 60_000,
    });
    const r = JSON.parse(stdout);
    // The child really ran in the odd zone: its JS dates are local there.
    expect(r.jsOffsetMinutes).toBe(-825);
    expect(r.chdb).toEqual({ param: EPOCH, parsed: EPOCH, text: '2026-03-01 00:30:00', day: '2026-03-01' });
    for (const engine of ['pglite', 'postgres']) expect(r[engine]).toEqual({ epoch: EPOCH, text: '2026-03-01 00:30', day: '2026-03-01' });
  });
});
