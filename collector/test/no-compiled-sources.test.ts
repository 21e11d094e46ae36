import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * Compiled output lives in dist/. A .js (or .d.ts, .js.map) beside its .ts source is what jest
 * and node resolve first, so a stale copy would run instead of the code under review.
 */
describe('no compiled JavaScript beside its TypeScript source', () => {
  it('the repository holds none, tracked or not yet tracked', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    const compiled = files.filter((f) => {
      const m = /^(.*)\.(js|d\.ts|js\.map)$/.exec(f);
      return m !== null && (existsSync(join(ROOT, `${m[1]}.ts`)) || existsSync(join(ROOT, `${m[1]}.tsx`)));
    });
    expect(compiled).toEqual([]);
  });
});
