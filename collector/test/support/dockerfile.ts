import { readFileSync } from 'node:fs';

/**
 * Just enough of the Dockerfile syntax for the image test to follow collector/Dockerfile
 * line by line: instructions, line continuations, stages, and the forms of COPY, ENV, CMD
 * and HEALTHCHECK it uses. Anything else it meets is reported, not guessed at.
 */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

export interface Copy {
  from?: string;
  chown?: string;
  sources: string[];
  dest: string;
}

export function parseDockerfile(path: string): Stage[] {
  const stages: Stage[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let text = lines[i]!.trim();
    if (text === '' || text.startsWith('#')) continue;
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1).trimEnd()} ${lines[++i]!.trim()}`;
    const m = /^(\w+)\s+(.*)$/.exec(text);
    if (!m) throw new Error(`${path}:${start}: cannot read "${text}"`);
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (keyword === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!f) throw new Error(`${path}:${start}: cannot read FROM ${args}`);
      stages.push({ from: f[1]!, ...(f[2] ? { name: f[2] } : {}), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${path}:${start}: ${keyword} before FROM`);
    stage.instructions.push({ keyword, args, line: start });
  }
  return stages;
}

/** `COPY [--from=stage] [--chown=u:g] src... dest` (the shell form; the JSON form too). */
export function parseCopy(args: string): Copy {
  const words = args.split(/\s+/);
  const copy: Partial<Copy> = {};
  while (words[0]?.startsWith('--')) {
    const [flag, value] = words.shift()!.slice(2).split('=', 2) as [string, string | undefined];
    if (flag === 'from') copy.from = value;
    else if (flag === 'chown') copy.chown = value;
    else throw new Error(`COPY --${flag} is not understood by this test`);
  }
  const paths = words[0]?.startsWith('[') ? (JSON.parse(words.join(' ')) as string[]) : words;
  if (paths.length < 2) throw new Error(`COPY ${args}: needs a source and a destination`);
  return { ...copy, sources: paths.slice(0, -1), dest: paths.at(-1)! };
}

/** `ENV K=V K2="V 2"` or the legacy `ENV K V`. */
export function parseEnv(args: string): Record<string, string> {
  if (!/^\w+=/.test(args)) {
    const [k, ...v] = args.split(/\s+/);
    return { [k!]: v.join(' ') };
  }
  const env: Record<string, string> = {};
  for (const m of args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const raw = m[2]!;
    env[m[1]!] = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
  }
  return env;
}

/** CMD in exec form (JSON); the shell form runs under /bin/sh -c. */
export function commandArgv(args: string): string[] {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : ['/bin/sh', '-c', args];
}

/** `HEALTHCHECK [--opt=v ...] CMD command`: the options and the command's argv. */
export function parseHealthcheck(args: string): { options: Record<string, string>; argv: string[] } {
  const options: Record<string, string> = {};
  let rest = args;
  for (let m = /^--([\w-]+)=(\S+)\s+/.exec(rest); m; m = /^--([\w-]+)=(\S+)\s+/.exec(rest)) {
    options[m[1]!] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  const cmd = /^CMD\s+(.*)$/s.exec(rest);
  if (!cmd) throw new Error(`HEALTHCHECK ${args}: expected CMD`);
  return { options, argv: commandArgv(cmd[1]!) };
}

/**
 * A `.dockerignore` as a predicate on paths relative to the build context. Covers the
 * patterns that file uses: `*` within one segment, a leading `**` for any depth, `!` exceptions.
 */
export function dockerignore(text: string): (relPath: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
      const body = pattern
        .split('/')
        .map((seg) => (seg === '**' ? '(?:.*/)?' : `${seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}/`))
        .join('')
        .replace(/\/$/, '');
      // A pattern that names a directory also excludes everything under it.
      return { negate, re: new RegExp(`^${body}(?:/.*)?$`) };
    });
  return (relPath) => rules.reduce((ignored, r) => (r.re.test(relPath) ? !r.negate : ignored), false);
}
