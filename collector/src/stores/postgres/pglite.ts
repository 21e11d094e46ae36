import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { PGlite, type Extension } from '@electric-sql/pglite';

// The contrib entry ships ESM-only typings; its CommonJS build is what loads here.
const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as { pg_trgm: Extension };
import type { ControlPlaneDb, SqlExecutor } from './types';
import { Turns } from '../../runtime/turns';
import { scopeStatement } from './scope';

type PGliteLike = Pick<PGlite, 'query' | 'exec'>;

function executor(db: PGliteLike): SqlExecutor {
  return {
    async query<R>(sql: string, params?: unknown[]) {
      return (await db.query<R>(sql, params as unknown[])).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

/**
 * Embedded Postgres (WASM, in-process). `dataDir` null keeps it in memory. PGlite is one
 * session: a statement sent while another caller's transaction is open would run inside it,
 * so transactions and statements take turns.
 */
export async function openPGlite(dataDir: string | null): Promise<ControlPlaneDb> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // pg_trgm backs the agent name search (migration 007).
  const db = new PGlite({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
  await db.waitReady;
  // PGlite is one session: set once, every timestamp it formats or parses is UTC.
  await db.exec("SET TIME ZONE 'UTC'");
  const statements = new Turns();
  const inTransaction = new AsyncLocalStorage<true>();
  // Waiting for our own transaction to finish would never end: fail loudly instead.
  const turn = <T>(task: () => Promise<T>) => {
    if (inTransaction.getStore()) return Promise.reject(new Error('a statement on the database from inside one of its transactions would deadlock on PGlite: use the transaction executor'));
    return statements.take('pglite', task);
  };
  const direct = executor(db);
  // One session: the scope it is in is the last one set. The caller's scope is read when it
  // calls, not when its turn comes (the queue runs in whichever context came before).
  let applied = '';
  const scoped = <T>(task: () => Promise<T>) => {
    const statement = scopeStatement();
    return turn(async () => {
      if (applied !== statement) {
        applied = '';
        await db.exec(statement);
        applied = statement;
      }
      return task();
    });
  };
  return {
    engine: 'pglite',
    query: (sql, params) => scoped(() => direct.query(sql, params)),
    exec: (sql) => scoped(() => direct.exec(sql)),
    transaction: (fn) => scoped(() => inTransaction.run(true, () => db.transaction((tx) => fn(executor(tx))))),
    close: () => turn(() => db.close()),
  };
}
