import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The collector package version, read once (src/ and dist/src/ both sit under the package). */
export const VERSION: string = (() => {
  for (const rel of ['..', '../..']) {
    try {
      return (JSON.parse(readFileSync(join(__dirname, rel, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // try the next level up
    }
  }
  return '0.0.0';
})();
