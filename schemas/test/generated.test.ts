import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generatedFiles, JSON_SCHEMA_DIR } from '../scripts/outputs';
import { SCHEMAS_ROOT } from '../src/paths';

describe('generated files', () => {
  const files = generatedFiles();

  it.each([...files.keys()].map((p) => [relative(join(SCHEMAS_ROOT, '..'), p), p]))('%s is current (run `npm run generate` if this fails)', (_name, path) => {
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(files.get(path));
  });

  it('leaves no JSON Schema file behind for a schema that is gone', () => {
    const expected = [...files.keys()].filter((p) => p.startsWith(JSON_SCHEMA_DIR)).map((p) => relative(JSON_SCHEMA_DIR, p));
    expect(readdirSync(JSON_SCHEMA_DIR).sort()).toEqual(expected.sort());
  });
});
