import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgliteTemplate } from './paths';

/**
 * Each run gets empty data directories of its own (see paths.ts); the teardown removes them.
 * It also runs PGlite's initdb once, for the whole run (see `pgliteTemplate`).
 */
export default async function globalSetup(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'ai-arm-jest-'));
  process.env.ARM_TEST_ROOT = root;
  const template = new PGlite(pgliteTemplate(root));
  await template.waitReady;
  await template.close();
}
