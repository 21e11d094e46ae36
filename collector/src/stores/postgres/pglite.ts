import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { ControlPlaneDb, SqlExecutor } from './types';

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

/** Embedded Postgres (WASM, in-process). `dataDir` null keeps it in memory. */
export async function openPGlite(dataDir: string | null): Promise<ControlPlaneDb> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  return {
    engine: 'pglite',
    ...executor(db),
    transaction: (fn) => db.transaction((tx) => fn(executor(tx))),
    close: () => db.close(),
  };
}
