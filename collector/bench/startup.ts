/**
 * How long `ai-arm start` takes until /api/health and /metrics answer: cold (new data
 * directory: PGlite initdb, chdb, migrations) against warm (the same directory again).
 *   npm run bench:startup [-- runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, waitForCollector } from '../test/support/cli';

async function once(dataDir: string): Promise<number> {
  const started = performance.now();
  const run = runCli(['start'], { ARM_DATA_DIR: dataDir, ARM_PORT: '0', ARM_LOG_LEVEL: 'warn' });
  const url = await waitForCollector(dataDir, run);
  const metrics = await fetch(`${url}/metrics`);
  if (!metrics.ok) throw new Error(`/metrics answered ${metrics.status}`);
  const elapsed = performance.now() - started;
  run.child.kill('SIGTERM');
  const code = await run.exited;
  if (code !== 0) throw new Error(`collector exited ${code} on SIGTERM:\n${run.stderr()}`);
  return elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const runs = Number(process.argv[2] ?? 3);
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'ai-arm-bench-'));
    try {
      cold.push(await once(dir));
      warm.push(await once(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const fmt = (xs: number[]) => xs.map((x) => `${(x / 1000).toFixed(2)}s`).join(' ');
  console.log(`startup to healthy (/api/health 200 and /metrics 200), ${runs} runs each`);
  console.log(`  cold (new data dir): median ${(median(cold) / 1000).toFixed(2)}s  [${fmt(cold)}]`);
  console.log(`  warm (same data dir): median ${(median(warm) / 1000).toFixed(2)}s  [${fmt(warm)}]`);
  console.log(`  warm/cold ratio: ${(median(warm) / median(cold)).toFixed(2)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
