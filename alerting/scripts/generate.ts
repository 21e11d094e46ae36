import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ALERTING_ROOT, DEFAULT_DATASOURCE_UID, generatedFiles } from '../src/outputs';

// The committed files use uid "prometheus" (the compose stack's); pass another to generate
// for a Grafana whose Prometheus datasource has a different uid.
const arg = process.argv.indexOf('--datasource-uid');
const uid = arg > 0 ? process.argv[arg + 1] : (process.env.AIARM_PROMETHEUS_UID ?? DEFAULT_DATASOURCE_UID);
if (!uid) throw new Error('--datasource-uid needs a value');
const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1]! : ALERTING_ROOT;
const files = generatedFiles(uid);
for (const [path, content] of Object.entries(files)) {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), content);
}
console.log(`generated ${Object.keys(files).length} files in ${out} (Prometheus datasource uid "${uid}")`);
