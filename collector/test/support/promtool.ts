import { execFileSync, spawnSync } from 'node:child_process';

/** Path of Debian's promtool; a clear failure when it is missing. */
export function promtool(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('promtool is not installed: run `apt-get install -y --no-install-recommends prometheus` (.ci/run does)');
  }
}

export function checkMetrics(exposition: string): { ok: boolean; output: string } {
  const r = spawnSync(promtool(), ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}
