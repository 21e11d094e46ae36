import { rmSync } from 'node:fs';
import pg from 'pg';
import { ADMIN_URL, TEST_CONTROL_PLANE, testDatabasePrefix } from './stores';

/** Removes the run's data directories and, when its collectors ran on PostgreSQL, their databases. */
export default async function globalTeardown(): Promise<void> {
  const root = process.env.ARM_TEST_ROOT;
  if (!root) return;
  rmSync(root, { recursive: true, force: true });
  if (TEST_CONTROL_PLANE !== 'postgres') return;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [testDatabasePrefix(root)]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
