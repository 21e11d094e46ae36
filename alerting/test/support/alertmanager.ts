import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, until, type Running } from './live';
import { debianBinary } from './promtool';

export function amtool(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(debianBinary('amtool'), args, { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Debian's Alertmanager on `configFile`, alone (no cluster port), on a free port; ready when it returns. */
export async function startAlertmanager(configFile: string): Promise<Running & { address: string; output: () => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ai-arm-am-'));
  const port = await freePort();
  const child = spawn(
    debianBinary('prometheus-alertmanager'),
    [`--config.file=${configFile}`, `--storage.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=debug'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until('Alertmanager to be ready', async () => {
      if (child.exitCode !== null) throw new Error(`alertmanager exited with ${child.exitCode}:\n${out}`);
      return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
    }, 30_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${out}`);
  }
  return {
    url,
    address: `127.0.0.1:${port}`,
    dir,
    output: () => out,
    stop,
  };
}
