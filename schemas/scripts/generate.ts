import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { generatedFiles, JSON_SCHEMA_DIR } from './outputs';

const files = generatedFiles();
mkdirSync(JSON_SCHEMA_DIR, { recursive: true });
for (const stale of readdirSync(JSON_SCHEMA_DIR)) {
  const path = join(JSON_SCHEMA_DIR, stale);
  if (!files.has(path)) rmSync(path);
}
for (const [path, content] of files) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}
console.log(`generated ${files.size} files (${relative(process.cwd(), JSON_SCHEMA_DIR)}/, METRICS.md, the collector's recording API)`);
