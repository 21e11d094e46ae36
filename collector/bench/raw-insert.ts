/**
 * The raw-insert baseline of bench:poll, in a process of its own so that its memory is
 * measured from a fresh engine: reads JSON lines of vendor_usage rows, inserts them into
 * new embedded stores in batches of the given size, prints rows/s and RSS growth as JSON.
 * bench:ingest passes TABLE (interactions) for its baseline.
 *   node --expose-gc --conditions=@ai-arm/source --import tsx bench/raw-insert.ts ROWS_FILE BATCH [TABLE]
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTelemetryDb } from '../src/stores/clickhouse/client';
import { migrateClickHouse } from '../src/stores/clickhouse/migrate';

async function main() {
  const [file, batchArg, table = 'vendor_usage'] = process.argv.slice(2);
  const batch = Number(batchArg);
  const rows: Record<string, unknown>[] = [];
  for await (const line of createInterface({ input: createReadStream(file!) })) if (line) rows.push(JSON.parse(line) as Record<string, unknown>);
  const dir = mkdtempSync(join(tmpdir(), 'ai-arm-raw-'));
  const db = await openTelemetryDb({ url: null, dataDir: dir, database: 'raw' });
  await migrateClickHouse(db);
  global.gc?.();
  const idle = process.memoryUsage().rss;
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  let seconds = 0;
  for (let i = 0; i < rows.length; i += batch) {
    const chunk = rows.slice(i, i + batch);
    const t = performance.now();
    await db.insert(table, chunk);
    seconds += (performance.now() - t) / 1000;
  }
  clearInterval(sampler);
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  // Rows were held in memory before the idle reading, so the growth is the engine's and the inserts'.
  console.log(JSON.stringify({ rows: rows.length, rowsPerSecond: rows.length / seconds, rssGrowth: peak - idle, idle }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
