import pg from 'pg';
import { scopeStatement } from './scope';
import type { ControlPlaneDb, SqlExecutor } from './types';

/**
 * PGlite returns int8 as a number and pg as a string; one set of queries serving both
 * engines needs one answer, so pg is told to parse int8 the way PGlite does.
 */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async query<R>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params)).rows as R[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

export async function openPostgres(url: string, poolSize = 10): Promise<ControlPlaneDb> {
  // Every session reads and writes time in UTC, whatever the server's or the process's zone.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types, application_name: 'ai-arm-collector', options: '-c TimeZone=UTC' });
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  // The scope each pooled session was last put in (see scopeStatement).
  const applied = new WeakMap<pg.PoolClient, string>();
  const scoped = async <T>(run: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const statement = scopeStatement();
    const client = await pool.connect();
    try {
      if (applied.get(client) !== statement) {
        applied.delete(client);
        await client.query(statement);
        applied.set(client, statement);
      }
      return await run(client);
    } finally {
      // pg-pool drops a session whose connection broke (it is no longer queryable) on release.
      client.release();
    }
  };
  return {
    engine: 'postgres',
    query: (sql, params) => scoped((client) => executor(client).query(sql, params)),
    exec: (sql) => scoped((client) => executor(client).exec(sql)),
    transaction: (fn) =>
      scoped(async (client) => {
        await client.query('BEGIN');
        try {
          const result = await fn(executor(client));
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }),
    close: () => pool.end(),
  };
}
