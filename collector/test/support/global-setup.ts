import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Each run gets empty data directories of its own (see paths.ts); the teardown removes them. */
export default function globalSetup(): void {
  process.env.ARM_TEST_ROOT = mkdtempSync(join(tmpdir(), 'ai-arm-jest-'));
}
