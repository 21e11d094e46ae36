import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The schemas package root, whether this runs from src/ (tsx, jest) or dist/src/ (built). */
export const SCHEMAS_ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
})();
