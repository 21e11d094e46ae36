import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, logFormat } from '../src/logger';

const capture = () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { sink, text: () => lines.join('') };
};

const isJson = (line: string) => {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
};

describe('log format', () => {
  it('is readable lines at a terminal and JSON lines otherwise (pipes, files, container log drivers, tests)', () => {
    expect(logFormat({ isTTY: true }, {})).toBe('pretty');
    expect(logFormat({ isTTY: false }, {})).toBe('json');
    expect(logFormat({}, {})).toBe('json');
    expect(logFormat({ isTTY: true }, { NODE_ENV: 'test' })).toBe('json');
  });

  it('pretty: one readable line a record, not JSON, secrets still redacted, the time in UTC', () => {
    const out = capture();
    createLogger('info', out.sink, 'pretty').info({ connection: { apiKey: 'sk-admin-secret1' }, rows: 3 }, 'polled');
    const text = out.text();
    const first = text.split('\n')[0]!;
    expect(isJson(first)).toBe(false);
    expect(first).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z\] INFO.*: polled/);
    const stamp = /^\[([^\]]+)Z\]/.exec(first)![1]!;
    expect(Math.abs(Date.parse(`${stamp.replace(' ', 'T')}Z`) - Date.now())).toBeLessThan(60_000);
    expect(text).toContain('rows: 3');
    expect(text).not.toContain('secret1');
    expect(text).toContain('[redacted]');
  });

  it('json: one JSON object a line', () => {
    const out = capture();
    createLogger('info', out.sink).info({ rows: 3 }, 'polled');
    const record = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 30, msg: 'polled', rows: 3, service: 'ai-arm-collector' });
  });

  // The choice a real process makes from its own stdout: a pseudo-terminal through util-linux's
  // `script` (Debian's bsdutils, always installed), and a pipe.
  it('a process writing to a terminal logs readable lines; the same process on a pipe logs JSON', () => {
    const code = "require('./src/logger').createLogger('info').info({ apiKey: 'sk-admin-secret2' }, 'hello')";
    const args = ['--conditions=@ai-arm/source', '--import', 'tsx', '-e', code];
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
    const cwd = join(__dirname, '..');
    const piped = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 30_000 });
    expect(piped.stderr).toBe('');
    expect(JSON.parse(piped.stdout.trim())).toMatchObject({ msg: 'hello', apiKey: '[redacted]' });
    const tty = spawnSync('script', ['-qec', [process.execPath, ...args.slice(0, -1), JSON.stringify(code)].join(' '), '/dev/null'], { cwd, env, encoding: 'utf8', timeout: 30_000 });
    if (tty.error) throw new Error(`util-linux's script is needed to give the process a terminal (apt-get install bsdutils): ${tty.error.message}`);
    const lines = tty.stdout.split(/\r?\n/).filter((l) => l.trim() !== '');
    const record = lines.find((l) => l.includes('hello'));
    expect(record).toBeDefined();
    expect(isJson(record!)).toBe(false);
    expect(record).toMatch(/INFO/);
    expect(tty.stdout).not.toContain('secret2');
  });
});
