/**
 * Run in a child process under an odd TZ by test/stores/time-zone.test.ts: opens each store
 * the way the collector does and prints what it makes of one UTC instant, as JSON.
 */
import { openTelemetryDb } from '../../src/stores/clickhouse/client';
import { openPostgres } from '../../src/stores/postgres/pg';
import { openPGlite } from '../../src/stores/postgres/pglite';
import type { ControlPlaneDb } from '../../src/stores/postgres/types';
import { asSystem } from '../../src/stores/tenant-scope';

const INSTANT = '2026-03-01 00:30:00';

async function controlPlane(db: ControlPlaneDb) {
  // An unmigrated database: no tenant role yet, so the probe runs as the session's own.
  const [r] = await asSystem('a probe of no tenant\'s data', () =>
    db.query<{ epoch: number; text: string; day: string }>(
      `SELECT extract(epoch FROM $1::timestamptz)::float8 AS epoch, to_char(to_timestamp(1772325000), 'YYYY-MM-DD HH24:MI') AS text, (to_timestamp(1772325000))::date::text AS day`,
      [INSTANT],
    ),
  );
  await db.close();
  return r;
}

(async () => {
  const ch = await openTelemetryDb({ url: null, dataDir: null, database: 'tz_probe' });
  const [c] = await ch.query<{ param: number; parsed: number; text: string; day: string }>(
    `SELECT toUnixTimestamp(arrayJoin({at:Array(DateTime)})) AS param, toUnixTimestamp(toDateTime({text:String})) AS parsed,
            toString(toDateTime(1772325000)) AS text, toString(toDate(toDateTime(1772325000))) AS day`,
    { at: [INSTANT], text: INSTANT },
  );
  await ch.close();
  const out: Record<string, unknown> = { tz: process.env.TZ, jsOffsetMinutes: new Date(INSTANT).getTimezoneOffset(), chdb: c, pglite: await controlPlane(await openPGlite(null)) };
  if (process.argv[2]) out.postgres = await controlPlane(await openPostgres(process.argv[2], 1));
  process.stdout.write(JSON.stringify(out));
})().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
});
