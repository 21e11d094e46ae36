import { mkdirSync } from 'node:fs';
import { createClient, parseError, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { createChdbConnection, type ChdbConnection } from 'chdb/connection';
import { Turns } from '../../runtime/turns';
import { currentScope, TenantScopeError } from '../tenant-scope';
import { checkCommand, checkRows, scopeSettings } from './scope';

/**
 * Telemetry SQL, embedded (chdb) or on a server, through one client API. Every table is
 * written `{db:Identifier}.name` and the database goes in as a query parameter: chdb
 * ignores the client's `database` option, and this way the same text runs on both.
 */
export interface TelemetryDb {
  readonly engine: 'chdb' | 'clickhouse';
  readonly database: string;
  query<R = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<R[]>;
  command(sql: string, params?: Record<string, unknown>): Promise<void>;
  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void>;
  /**
   * Rows already serialised (JSON arrays, in order, as the spool wrote them to disk): embedded,
   * those bytes go to the engine as they are, so no row object is kept for them and nothing is
   * stringified again. Bytes cannot be checked against a tenant's scope: only code acting for
   * the system (the spool's drainer, whose rows were checked when they were appended) writes them.
   */
  insertJson(table: string, encoded: readonly JsonRows[]): Promise<void>;
  ping(): Promise<boolean>;
  /**
   * Embedded only: hands memory the engine freed back to the system. ClickHouse's allocator
   * keeps freed pages for reuse, and in-process that shows as the collector's RSS; a server's
   * memory is the server's business, so there this does nothing.
   */
  releaseMemory(): Promise<void>;
  close(): Promise<void>;
}

/** `rows` rows serialised as one JSON array (`[{...},{...}]`). */
export interface JsonRows {
  json: Buffer;
  rows: number;
}

/** JSON arrays joined into one: their brackets dropped, their rows joined by commas. */
export function joinJsonArrays(parts: readonly Buffer[]): Buffer {
  if (parts.length === 1) return parts[0]!;
  const pieces: Buffer[] = [OPEN];
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) pieces.push(COMMA);
    pieces.push(parts[i]!.subarray(1, parts[i]!.length - 1));
  }
  pieces.push(CLOSE);
  return Buffer.concat(pieces);
}

/** Serialised rows cannot be checked against a tenant's scope: code acting for one organisation may not write them. */
export function checkJsonScope(table: string): void {
  const scope = currentScope();
  if (scope?.kind === 'tenant') throw new TenantScopeError(`serialised ${table} rows cannot be checked against organisation ${scope.organizationId}'s scope; only code acting for the system writes them`);
}

/** The rows of serialised JSON arrays, parsed back: for a server, and to split a batch a row of which was refused. */
export function rowsOf(encoded: readonly JsonRows[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const e of encoded) for (const r of JSON.parse(e.json.toString('utf8')) as Record<string, unknown>[]) rows.push(r);
  return rows;
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** What an insert needs of both engines: timestamps read as the vendors write them, in UTC (see SETTINGS). */
const INSERT_SETTINGS = { date_time_input_format: 'best_effort', session_timezone: 'UTC' } as const;
/**
 * Both engines answer 64-bit integers as JSON numbers, not the server's default strings, and
 * read and write every DateTime without a zone of its own as UTC: chdb otherwise takes the
 * collector process's TZ (and a server its own), so a timestamp parameter or `today()` would
 * mean a different instant in Kolkata than in London.
 */
const SETTINGS: ClickHouseSettings = { output_format_json_quote_64bit_integers: 0, ...INSERT_SETTINGS };

/**
 * Embedded chdb runs in the collector's process, so its insert memory is the collector's:
 * rows go in as INSERTs of this many, one INSERT at a time, and the memory the engine freed
 * is handed back to the system after every RELEASE_AFTER_ROWS rows (see README, "Memory").
 */
export const EMBEDDED_INSERT_ROWS = 5000;
const RELEASE_AFTER_ROWS = 20_000;

export interface TelemetryDbOptions {
  /** ClickHouse server URL; null opens chdb under `dataDir`. */
  url: string | null;
  dataDir: string | null;
  database: string;
}

export async function openTelemetryDb(opts: TelemetryDbOptions): Promise<TelemetryDb> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.database)) throw new Error(`bad ClickHouse database name ${opts.database}`);
  let client: ClickHouseClient;
  let chdb: ChdbConnection | undefined;
  if (opts.url) {
    client = createClient({ url: opts.url, clickhouse_settings: SETTINGS, application: 'ai-arm-collector' });
  } else {
    const path = opts.dataDir ?? ':memory:';
    if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
    chdb = createChdbConnection({ path });
    // chdb builds against its own copy of @clickhouse/client-common; the shapes match, the declarations differ.
    client = createClient({ connection: chdb as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'], clickhouse_settings: SETTINGS });
  }
  const db = opts.database;
  const withDb = (params?: Record<string, unknown>) => ({ db, ...params });
  // Embedded, the rows go to the engine as one JSON array in a Buffer, parsed natively:
  // clickhouse-js would build a string per row, a stream, and the INSERT's text around them.
  // A failure keeps the client's error shape (ClickHouse's code), for the writer's retry rules.
  const insertRaw = chdb
    ? (table: string, json: Buffer) =>
        chdb.chdb.rawInsert({ table, values: json, format: 'JSONEachRow', settings: INSERT_SETTINGS }).then(
          () => undefined,
          (err: Error) => {
            throw Object.assign(parseError(err.message), { cause: err });
          },
        )
    : null;
  const insertChunk = insertRaw
    ? (table: string, values: Record<string, unknown>[]) => insertRaw(table, Buffer.from(JSON.stringify(values)))
    : (table: string, values: Record<string, unknown>[]) => client.insert({ table, values, format: 'JSONEachRow' }).then(() => undefined);
  // Serialised parts go in as INSERTs of about EMBEDDED_INSERT_ROWS rows, whole parts each.
  const insertEncoded = async (table: string, encoded: readonly JsonRows[]) => {
    for (let i = 0; i < encoded.length; ) {
      const parts: Buffer[] = [];
      let n = 0;
      while (i < encoded.length && (n === 0 || n + encoded[i]!.rows <= EMBEDDED_INSERT_ROWS)) {
        parts.push(encoded[i]!.json);
        n += encoded[i++]!.rows;
      }
      await insertRaw!(`${db}.${table}`, joinJsonArrays(parts));
    }
  };
  const insertRows = async (table: string, rows: readonly Record<string, unknown>[], chunk: number) => {
    for (let i = 0; i < rows.length; i += chunk) await insertChunk(`${db}.${table}`, rows.slice(i, i + chunk) as Record<string, unknown>[]);
  };
  // Embedded: one insert at a time (a queue that a failed insert does not block), and the
  // rows inserted since the engine last gave memory back.
  const inserts = new Turns();
  let sinceRelease = 0;
  const insertEmbedded = async (table: string, rows: number, insert: () => Promise<void>) => {
    await insert();
    sinceRelease += rows;
    if (sinceRelease >= RELEASE_AFTER_ROWS) {
      sinceRelease = 0;
      await store.releaseMemory();
    }
  };
  const store: TelemetryDb = {
    engine: opts.url ? 'clickhouse' : 'chdb',
    database: db,
    async query<R>(sql: string, params?: Record<string, unknown>) {
      const rs = await client.query({ query: sql, query_params: withDb(params), format: 'JSONEachRow', clickhouse_settings: scopeSettings(db, sql) });
      return rs.json<R>();
    },
    async command(sql: string, params?: Record<string, unknown>) {
      checkCommand(sql, params);
      await client.command({ query: sql, query_params: withDb(params), clickhouse_settings: scopeSettings(db, sql) });
    },
    async insert(table: string, rows: readonly Record<string, unknown>[]) {
      if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`bad table name ${table}`);
      checkRows(table, rows);
      if (opts.url) return insertRows(table, rows, rows.length);
      return inserts.take('chdb', () => insertEmbedded(table, rows.length, () => insertRows(table, rows, EMBEDDED_INSERT_ROWS)));
    },
    async insertJson(table: string, encoded: readonly JsonRows[]) {
      if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`bad table name ${table}`);
      checkJsonScope(table);
      // A server is sent rows (clickhouse-js serialises them); embedded, the bytes go to the engine as they are.
      if (opts.url) {
        const rows = rowsOf(encoded);
        return insertRows(table, rows, rows.length);
      }
      return inserts.take('chdb', () => insertEmbedded(table, encoded.reduce((n, e) => n + e.rows, 0), () => insertEncoded(table, encoded)));
    },
    async ping() {
      const r = await client.ping();
      return r.success;
    },
    async releaseMemory() {
      if (!opts.url) await client.command({ query: 'SYSTEM JEMALLOC PURGE' }).catch(() => undefined);
    },
    close: () => client.close(),
  };
  await store.command('CREATE DATABASE IF NOT EXISTS {db:Identifier}');
  return store;
}
