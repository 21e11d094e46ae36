import { execFileSync, spawnSync } from 'node:child_process';

/** Path of one of Debian's Prometheus binaries; a clear failure when it is missing. */
function debianBinary(name: 'promtool' | 'prometheus'): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${name} is not installed: run \`apt-get install -y --no-install-recommends prometheus\` (.ci/run does)`);
  }
}

export const promtool = () => debianBinary('promtool');
export const prometheus = () => debianBinary('prometheus');

export function checkMetrics(exposition: string): { ok: boolean; output: string } {
  const r = spawnSync(promtool(), ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}
