import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dashboards, render } from '../src';

const JSON_DIR = join(__dirname, '..', 'json');

const all = dashboards();
mkdirSync(JSON_DIR, { recursive: true });
const files = new Set(all.map((d) => d.file));
for (const stale of readdirSync(JSON_DIR)) if (!files.has(stale)) rmSync(join(JSON_DIR, stale));
for (const d of all) writeFileSync(join(JSON_DIR, d.file), render(d.json));
console.log(`generated ${all.length} dashboards in ${relative(process.cwd(), JSON_DIR)}/`);
