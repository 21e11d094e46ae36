import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'chdb';
import { workerDataDir } from './paths';

const KEPT = new Set(['system', 'default', 'information_schema', 'INFORMATION_SCHEMA']);

/**
 * A jest worker's test files share one chdb directory (see `workerDataDir`), each file in
 * ClickHouse databases of its own. chdb loads every database in its directory whenever the
 * engine starts, which is at each first connection after the last one closed: about 30 ms a
 * database, so opening the stores took longer with every file a worker ran, seconds each by the
 * end of a run. Before each file, the databases earlier files left there are dropped.
 */
beforeAll(() => {
  const metadata = join(workerDataDir(), 'chdb', 'metadata');
  const left = existsSync(metadata) ? readdirSync(metadata).filter((f) => f.endsWith('.sql') && !KEPT.has(f.slice(0, -4))) : [];
  if (left.length === 0) return;
  const session = new Session(join(workerDataDir(), 'chdb'));
  try {
    const names = session.query('SELECT name FROM system.databases', 'TSV').split('\n').filter((n) => n && !KEPT.has(n));
    for (const name of names) session.query(`DROP DATABASE IF EXISTS \`${name}\` SYNC`);
  } finally {
    session.close();
  }
});
