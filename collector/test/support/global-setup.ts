import { rmSync } from 'node:fs';
import { TEST_ROOT } from './paths';

/** Each run starts from empty data directories. */
export default function globalSetup(): void {
  rmSync(TEST_ROOT, { recursive: true, force: true });
}
