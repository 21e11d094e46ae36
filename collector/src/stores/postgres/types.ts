/** What a query needs from the control-plane database, whichever engine runs it. */
export interface SqlExecutor {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Several statements at once, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface ControlPlaneDb extends SqlExecutor {
  readonly engine: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Runs `fn` in a transaction of its own, or in the one `db` already is. */
export const inTransaction = <T>(db: SqlExecutor | ControlPlaneDb, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> => ('transaction' in db ? db.transaction(fn) : fn(db));
