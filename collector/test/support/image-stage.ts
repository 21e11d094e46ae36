import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, posix, relative } from 'node:path';
import { commandArgv, dockerignore, parseCopy, parseDockerfile, parseEnv, parseHealthcheck, type Stage } from './dockerfile';

/**
 * The collector image without a Docker engine: every stage of the Dockerfile is followed on
 * this machine, one instruction at a time, in a directory standing for the stage's file
 * system (`<work>/<stage>/rootfs`). COPY copies exactly what it names, from the build context
 * (minus .dockerignore) or from an earlier stage, so a file the image never receives is
 * missing here too. Where Docker would run a command, the test does the same work locally,
 * and says where that is an approximation:
 * - `npm ci` links the repository's installed packages (the closure of what the workspaces
 *   present in the stage depend on, dev included) instead of downloading them. The links are
 *   absolute, so a package's own dependencies resolve in the repository's node_modules; only
 *   our code's imports are held to what the stage holds.
 * - `npm prune --omit=dev` keeps the links in the production closure only (dependencies,
 *   optional and peer dependencies of the workspaces present): a runtime import of a
 *   devDependency fails here as it would in the image.
 * - `npx tsc` runs the repository's TypeScript inside the stage, for real.
 * - `USER`: when the test runs as root, the image's processes run as an unprivileged uid
 *   (65534), so a directory the image never hands to its user is not writable, as in Docker.
 * - `VOLUME`: a fresh named volume starts as a copy of the image's directory (its owner
 *   included), or as an empty root-owned directory when the image has none.
 * Paths the image's processes see (WORKDIR, VOLUMEs) are rewritten to their stand-ins in ENV.
 */
export interface StagedImage {
  /** The final stage's WORKDIR on this machine: the container's working directory. */
  cwd: string;
  env: Record<string, string>;
  cmd: string[];
  healthcheck?: string[];
  /** uid/gid the container's processes run as; absent when the test cannot switch user. */
  runAs?: { uid: number; gid: number };
  /** Each VOLUME's stand-in directory, ready as a fresh named volume would be. */
  volumes: Record<string, string>;
  /** What each emulated RUN did, for the test's messages. */
  log: string[];
}

const UNPRIVILEGED = 65534;

interface StageState {
  stage: Stage;
  rootfs: string;
  workdir: string;
  env: Record<string, string>;
  user?: string;
  volumes: string[];
  cmd?: string[];
  healthcheck?: string[];
}

export function stageImage(opts: { repo: string; dockerfile: string; work: string }): StagedImage {
  const { repo, work } = opts;
  chmodSync(work, 0o755);
  const ignored = existsSync(join(repo, '.dockerignore')) ? dockerignore(readFileSync(join(repo, '.dockerignore'), 'utf8')) : () => false;
  const canSwitchUser = process.getuid?.() === 0;
  const log: string[] = [];
  const done = new Map<string, StageState>();
  const stages = parseDockerfile(opts.dockerfile);
  let last: StageState | undefined;
  stages.forEach((stage, index) => {
    if (!/^node:/.test(stage.from)) throw new Error(`stage ${index} is FROM ${stage.from}; this test knows how to stand in for node images only`);
    const rootfs = join(work, String(index), 'rootfs');
    mkdirSync(rootfs, { recursive: true, mode: 0o755 });
    const s: StageState = { stage, rootfs, workdir: '/', env: {}, volumes: [] };
    const host = (imagePath: string) => join(rootfs, posix.resolve(s.workdir, imagePath));
    for (const ins of stage.instructions) {
      const where = `${basename(opts.dockerfile)}:${ins.line}`;
      switch (ins.keyword) {
        case 'WORKDIR':
          s.workdir = posix.resolve(s.workdir, ins.args);
          mkdirSync(host('.'), { recursive: true, mode: 0o755 });
          break;
        case 'ENV':
          Object.assign(s.env, parseEnv(ins.args));
          break;
        case 'COPY': {
          const c = parseCopy(ins.args);
          if (c.chown) throw new Error(`${where}: COPY --chown is not emulated yet`);
          const from = c.from === undefined ? undefined : done.get(c.from) ?? [...done.values()][Number(c.from)];
          if (c.from !== undefined && !from) throw new Error(`${where}: COPY --from=${c.from}: no such earlier stage`);
          for (const src of c.sources) {
            const source = from ? join(from.rootfs, posix.resolve(from.workdir, src)) : join(repo, src);
            if (!from && ignored(src)) throw new Error(`${where}: COPY ${src}: excluded from the build context by .dockerignore`);
            if (!existsSync(source)) throw new Error(`${where}: COPY ${src}: not found in ${from ? `stage ${c.from}` : 'the build context'}`);
            const intoDir = c.dest.endsWith('/') || c.sources.length > 1 || statSync(source).isDirectory();
            const target = statSync(source).isDirectory() ? host(c.dest) : intoDir ? join(host(c.dest), basename(src)) : host(c.dest);
            mkdirSync(statSync(source).isDirectory() ? target : dirname(target), { recursive: true, mode: 0o755 });
            cpSync(source, target, {
              recursive: true,
              verbatimSymlinks: true,
              filter: (p) => from !== undefined || !ignored(relative(repo, p)),
            });
          }
          break;
        }
        case 'RUN':
          for (const command of ins.args.split(/\s*&&\s*/)) log.push(run(command, host, repo, where, canSwitchUser));
          break;
        case 'USER':
          s.user = ins.args;
          break;
        case 'VOLUME':
          s.volumes.push(...(ins.args.startsWith('[') ? (JSON.parse(ins.args) as string[]) : ins.args.split(/\s+/)));
          break;
        case 'CMD':
          s.cmd = commandArgv(ins.args);
          break;
        case 'HEALTHCHECK':
          s.healthcheck = parseHealthcheck(ins.args).argv;
          break;
        case 'EXPOSE':
          break;
        default:
          throw new Error(`${where}: ${ins.keyword} is not emulated by this test`);
      }
    }
    done.set(stage.name ?? String(index), s);
    last = s;
  });
  const final = last!;
  if (!final.cmd) throw new Error('the final stage has no CMD');
  const runAs = canSwitchUser && final.user && final.user !== 'root' ? { uid: UNPRIVILEGED, gid: UNPRIVILEGED } : undefined;
  const volumes: Record<string, string> = {};
  for (const v of final.volumes) {
    const dir = join(final.rootfs, v);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o755 });
    volumes[v] = dir;
  }
  const mapped = { [final.workdir]: join(final.rootfs, final.workdir), ...volumes };
  const env = Object.fromEntries(Object.entries(final.env).map(([k, v]) => [k, mapped[v] ?? v]));
  return {
    cwd: join(final.rootfs, final.workdir),
    env,
    cmd: final.cmd,
    ...(final.healthcheck ? { healthcheck: final.healthcheck } : {}),
    ...(runAs ? { runAs } : {}),
    volumes,
    log,
  };
}

/** One command of a RUN line, done locally (see the approximations above). */
function run(command: string, host: (p: string) => string, repo: string, where: string, canSwitchUser: boolean): string {
  const words = command.trim().split(/\s+/);
  const [tool, sub] = words;
  if (tool === 'npm' && sub === 'ci') {
    linkPackages(host('.'), repo, workspacesIn(host('.')), true);
    return `npm ci: linked the installed packages the workspaces ${workspacesIn(host('.')).join(', ')} need`;
  }
  if (tool === 'npm' && sub === 'prune' && words.includes('--omit=dev')) {
    for (const dir of ['.', ...workspacesIn(host('.'))]) rmSync(join(host(dir), 'node_modules'), { recursive: true, force: true });
    const kept = linkPackages(host('.'), repo, workspacesIn(host('.')), false);
    return `npm prune --omit=dev: kept ${kept} production packages`;
  }
  if (tool === 'npx' && sub === 'tsc') {
    const tsc = join(host('node_modules'), 'typescript', 'bin', 'tsc');
    if (!existsSync(tsc)) throw new Error(`${where}: npx tsc: typescript is not installed in the stage (is it a dependency of a workspace the stage holds?)`);
    const r = spawnSync(process.execPath, [tsc, ...words.slice(2)], { cwd: host('.'), encoding: 'utf8', timeout: 180_000 });
    if (r.status !== 0) throw new Error(`${where}: ${command} failed (exit ${r.status ?? r.signal}) in the staged build:\n${r.stdout}${r.stderr}`);
    return `${command}: ok`;
  }
  if (tool === 'mkdir') {
    for (const d of words.slice(1).filter((w) => !w.startsWith('-'))) mkdirSync(host(d), { recursive: true, mode: 0o755 });
    return `${command}: ok`;
  }
  if (tool === 'chown') {
    const [owner, ...paths] = words.slice(1).filter((w) => !w.startsWith('-'));
    // Files the image gives to a non-root user belong to the uid its processes run as here.
    if (canSwitchUser && owner && !/^(root|0)(:|$)/.test(owner)) for (const p of paths) chownSync(host(p), UNPRIVILEGED, UNPRIVILEGED);
    return `${command}: ok`;
  }
  throw new Error(`${where}: RUN ${command}: this test does not know how to do that without Docker; teach support/image-stage.ts`);
}

/** The workspaces of the root package.json that the stage holds (their package.json is there). */
function workspacesIn(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces?: string[] };
  return (pkg.workspaces ?? []).filter((w) => existsSync(join(root, w, 'package.json')));
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/**
 * Fills `<root>/node_modules` (and `<root>/<workspace>/node_modules`) with links to the repository's installed packages that the
 * stage's workspaces reach through their dependencies (and dev dependencies when `dev`), and
 * links each workspace under its name as npm does. Returns how many packages it linked.
 */
function linkPackages(root: string, repo: string, workspaces: string[], dev: boolean): number {
  const names = new Map<string, string>(workspaces.map((w) => [manifest(join(root, w)).name, w]));
  const top = new Set<string>();
  const seen = new Set<string>();
  const queue: { name: string; from: string; optional: boolean }[] = [];
  const want = (m: Manifest, from: string, withDev: boolean) => {
    const peersOptional = m.peerDependenciesMeta ?? {};
    for (const name of Object.keys(m.dependencies ?? {})) queue.push({ name, from, optional: false });
    for (const name of Object.keys(m.optionalDependencies ?? {})) queue.push({ name, from, optional: true });
    // npm installs peers, but not the ones marked optional (unless something else needs them).
    for (const name of Object.keys(m.peerDependencies ?? {})) if (peersOptional[name]?.optional !== true) queue.push({ name, from, optional: false });
    if (withDev) for (const name of Object.keys(m.devDependencies ?? {})) queue.push({ name, from, optional: false });
  };
  // What the stage's own package.json files ask for, looked up where the repository installed it.
  want(manifest(root), repo, dev);
  for (const w of workspaces) want(manifest(join(root, w)), join(repo, w), dev);
  while (queue.length > 0) {
    const { name, from, optional } = queue.shift()!;
    if (names.has(name)) continue;
    const dir = resolvePackage(name, from, repo);
    if (!dir) {
      if (optional) continue;
      throw new Error(`${name} (needed by ${relative(repo, from) || 'the root'}) is not installed in ${repo}: run npm ci`);
    }
    const real = realpathSync(dir);
    if (seen.has(real)) continue;
    seen.add(real);
    // npm hoists packages to the root node_modules, or installs one in a workspace's own
    // node_modules when versions conflict; both are linked at the same place in the stage.
    const base = ['', ...workspaces].find((w) => dir === join(repo, w, 'node_modules', name));
    if (base !== undefined) {
      if (!real.startsWith(join(repo, base, 'node_modules'))) throw new Error(`${name} is a workspace the image does not hold (${relative(repo, real)})`);
      top.add(join(base, 'node_modules', name));
    }
    want(manifest(real), real, false);
  }
  for (const path of top) {
    mkdirSync(dirname(join(root, path)), { recursive: true, mode: 0o755 });
    symlinkSync(join(repo, path), join(root, path));
  }
  const modules = join(root, 'node_modules');
  for (const [name, w] of names) {
    mkdirSync(dirname(join(modules, name)), { recursive: true, mode: 0o755 });
    symlinkSync(relative(dirname(join(modules, name)), join(root, w)), join(modules, name));
  }
  return top.size;
}

/** Node's lookup: `<dir>/node_modules/<name>` from `from` up to the repository root. */
function resolvePackage(name: string, from: string, repo: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === repo || dir === dirname(dir) || !isAbsolute(dir)) return undefined;
  }
}
