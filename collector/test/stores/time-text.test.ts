import { join } from 'node:path';
import { openTelemetryDb, type TelemetryDb } from '../../src/stores/clickhouse/client';
import { iso, millisText } from '../../src/stores/clickhouse/time-text';
import { uniqueName, workerDataDir } from '../support/paths';
import { systemTelemetry } from '../support/system-db';

// 2026-03-01 00:30:00.123 UTC: 14:15 the same day in Pacific/Chatham, where CI's Node 24 pass runs this file.
const AT = Date.UTC(2026, 2, 1, 0, 30, 0, 123);

describe('instants as ClickHouse text (stores/clickhouse/time-text), whatever the process TZ', () => {
  let db: TelemetryDb;
  beforeAll(async () => {
    db = systemTelemetry(await openTelemetryDb({ url: null, dataDir: join(workerDataDir(), 'chdb'), database: uniqueName('tt') }));
  });
  afterAll(() => db.close());

  it('writes epoch milliseconds as UTC DateTime64(3) text, and reads a DateTime text back as RFC 3339 UTC', () => {
    expect(millisText(AT)).toBe('2026-03-01 00:30:00.123');
    expect(millisText(0)).toBe('1970-01-01 00:00:00.000');
    expect(iso('2026-03-01 00:30:00.123')).toBe('2026-03-01T00:30:00.123Z');
    expect(iso('2026-03-01 00:30:00')).toBe('2026-03-01T00:30:00Z');
    expect(Date.parse(iso(millisText(AT)))).toBe(AT);
  });

  it('chdb takes the text as that instant and gives it back in the same form', async () => {
    const [r] = await db.query<{ ms: number; text: string; micro: string }>(
      `SELECT toUnixTimestamp64Milli(t) AS ms, toString(t) AS text, toString(toDateTime64(t, 6)) AS micro FROM (SELECT {at:DateTime64(3, 'UTC')} AS t)`,
      { at: millisText(AT) },
    );
    expect(Number(r!.ms)).toBe(AT);
    expect(r!.text).toBe(millisText(AT));
    expect(Date.parse(iso(r!.micro))).toBe(AT);
  });
});
