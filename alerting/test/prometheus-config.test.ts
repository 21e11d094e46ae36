import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

function promtool(args: string[]) {
  const r = spawnSync('promtool', args, { encoding: 'utf8' });
  if (r.error) throw new Error('promtool is not installed: run `apt-get install -y --no-install-recommends prometheus` (.ci/run does)');
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('Prometheus configuration of the compose stack', () => {
  it('passes promtool check config', () => {
    const { status, output } = promtool(['check', 'config', join(__dirname, '..', 'prometheus', 'prometheus.yml')]);
    expect(output).toMatch(/SUCCESS/);
    expect(status).toBe(0);
  });
});
