// Prints the size of each script in dist/ (raw and gzipped) and what it holds, read from its
// source map: module.js is what Grafana loads for every page view; page chunks load on first visit.
// Targets: module.js < 100 kB, each page chunk < 500 kB.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'dist');
if (!existsSync(join(dist, 'module.js'))) {
  console.error('no dist/module.js: run `npm run build` in grafana-plugin/ first');
  process.exit(1);
}
const PARTS = [
  ['pages/Agents/', 'Agents page'],
  ['pages/AgentDetail/', 'Agent detail page'],
  ['pages/Costs/', 'Costs page'],
  ['pages/Governance/', 'Governance page'],
  ['components/AppConfig/', 'Config page'],
  ['components/App/', 'App router'],
  ['module.tsx', 'entry: registers the app, loads the rest lazily'],
];
const kB = (n) => `${(n / 1024).toFixed(1)} kB`;
const rows = readdirSync(dist)
  .filter((f) => f.endsWith('.js'))
  .map((file) => {
    const code = readFileSync(join(dist, file));
    const map = existsSync(join(dist, `${file}.map`))
      ? JSON.parse(readFileSync(join(dist, `${file}.map`), 'utf8'))
      : { sources: [] };
    const holds = PARTS.filter(([dir]) => map.sources.some((s) => s.includes(`/./${dir}`))).map(([, name]) => name);
    const vendor = map.sources.filter((s) => s.includes('node_modules')).length;
    return {
      file,
      bytes: code.length,
      gzip: gzipSync(code).length,
      holds: holds.join(', ') || (vendor ? `${vendor} library modules` : 'shared code'),
    };
  })
  .sort((a, b) => (a.file === 'module.js' ? -1 : b.file === 'module.js' ? 1 : b.bytes - a.bytes));
console.log('file'.padEnd(14), 'size'.padStart(10), 'gzip'.padStart(10), ' holds');
for (const r of rows) {
  console.log(r.file.padEnd(14), kB(r.bytes).padStart(10), kB(r.gzip).padStart(10), ` ${r.holds}`);
}
const module = rows.find((r) => r.file === 'module.js');
const largest = rows
  .filter((r) => r.file !== 'module.js')
  .reduce((m, r) => (r.bytes > m.bytes ? r : m), { bytes: 0, file: '-' });
console.log(
  `\nmodule.js ${kB(module.bytes)} (target < 100 kB: ${module.bytes < 100 * 1024 ? 'met' : 'MISSED'}); largest chunk ${largest.file} ${kB(largest.bytes)} (target < 500 kB: ${largest.bytes < 500 * 1024 ? 'met' : 'MISSED'})`
);
