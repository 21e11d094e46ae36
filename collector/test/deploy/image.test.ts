import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stageImage, type StagedImage } from '../support/image-stage';
import { freePort } from '../support/wait';

const REPO = join(__dirname, '..', '..', '..');
const DOCKERFILE = join(REPO, 'collector', 'Dockerfile');

/**
 * No Docker engine runs in CI, so the image is followed instruction by instruction instead
 * (support/image-stage.ts says how, and where that is an approximation): the final stage
 * holds only what its COPY lines bring, and the collector starts from the image's CMD, in its
 * WORKDIR, with its ENV, as its USER, on a fresh data volume.
 */
describe('the collector image (collector/Dockerfile, followed without a Docker engine)', () => {
  let work: string;
  let image: StagedImage;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'ai-arm-image-'));
    image = stageImage({ repo: REPO, dockerfile: DOCKERFILE, work });
  }, 240_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('starts from its CMD with only the files it copies, answers /api/health, passes its HEALTHCHECK and stops cleanly on SIGTERM', async () => {
    expect(image.cmd.slice(-2)).toEqual(['collector/dist/src/cli/run.js', 'start']);
    const home = join(work, 'home');
    mkdirSync(home);
    if (image.runAs) chownSync(home, image.runAs.uid, image.runAs.gid);
    // The image's node is the node running this test (CI runs the suite on the image's Node
    // major too); the port is a free one rather than the image's 8080, which may be taken here.
    const port = await freePort();
    const env = { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: home, ...image.env, ARM_PORT: String(port) };
    const [cmd, ...args] = image.cmd;
    const child = spawn(cmd === 'node' ? process.execPath : cmd!, args, { cwd: image.cwd, env, ...image.runAs, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let exitCode: number | null | undefined;
    void exited.then((c) => (exitCode = c));
    const healthcheck = (): SpawnSyncReturns<string> => {
      const [hc, ...hcArgs] = image.healthcheck!;
      return spawnSync(hc === 'node' ? process.execPath : hc!, hcArgs, { cwd: image.cwd, env, ...image.runAs, encoding: 'utf8', timeout: 10_000 });
    };
    try {
      const deadline = Date.now() + 90_000;
      let health: { success?: boolean; data?: { status?: string } } | undefined;
      while (!health) {
        if (exitCode !== undefined) throw new Error(`the image's CMD exited with ${exitCode} before /api/health answered:\n${output.slice(-4000)}`);
        if (Date.now() > deadline) throw new Error(`/api/health did not answer within 90 s:\n${output.slice(-4000)}`);
        const res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined);
        if (res?.status === 200) health = (await res.json()) as typeof health;
        else await new Promise((r) => setTimeout(r, 200));
      }
      expect(health.success).toBe(true);
      expect(image.healthcheck).toBeDefined();
      const up = healthcheck();
      expect({ status: up.status, stderr: up.stderr }).toEqual({ status: 0, stderr: '' });
    } finally {
      if (exitCode === undefined) child.kill('SIGTERM');
    }
    const code = await exited;
    if (code !== 0) throw new Error(`the image's CMD exited with ${code} on SIGTERM:\n${output.slice(-4000)}`);
    // The HEALTHCHECK must be able to fail too: with nothing listening it reports unhealthy.
    expect(healthcheck().status).toBe(1);
  }, 150_000);
});
