import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  if (process.env.ARM_TEST_ROOT) rmSync(process.env.ARM_TEST_ROOT, { recursive: true, force: true });
}
