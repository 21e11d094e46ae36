import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * This run's scratch directory. The global setup names it once per jest run and hands it to
 * the workers through the environment, so two runs on one machine (two checkouts, CI beside a
 * developer) never share or delete each other's data.
 */
export const TEST_ROOT = process.env.ARM_TEST_ROOT ?? join(tmpdir(), `ai-arm-jest-${process.getuid?.() ?? 0}-${process.pid}`);

/**
 * libchdb binds one data directory per process, and a jest worker runs many test files:
 * every in-process test in a worker shares this directory and isolates itself by
 * ClickHouse database (and by its own organisations in Postgres).
 */
export const workerDataDir = () => join(TEST_ROOT, `worker-${process.env.JEST_WORKER_ID ?? '0'}`);

let counter = 0;
export const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;

/**
 * A PGlite cluster initialised once per run by the global setup, empty and unmigrated. PGlite's
 * initdb takes about ten seconds in WASM; a test that needs a PGlite of its own starts from a copy.
 */
export const pgliteTemplate = (root = TEST_ROOT) => join(root, 'pglite-template');
