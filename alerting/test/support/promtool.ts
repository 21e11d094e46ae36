import { execFileSync, spawnSync } from 'node:child_process';

const PACKAGES = { promtool: 'prometheus', prometheus: 'prometheus', amtool: 'prometheus-alertmanager', 'prometheus-alertmanager': 'prometheus-alertmanager' } as const;

/** Path of one of Debian's Prometheus or Alertmanager binaries; a clear failure when it is missing. */
export function debianBinary(name: keyof typeof PACKAGES): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${name} is not installed: run \`apt-get install -y --no-install-recommends ${PACKAGES[name]}\` (.ci/run does)`);
  }
}

export function promtool(args: string[], input?: string): { status: number | null; output: string } {
  const r = spawnSync(debianBinary('promtool'), args, { encoding: 'utf8', ...(input ? { input } : {}) });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
