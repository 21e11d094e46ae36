import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded engines hold their data directory for one process. The lock file says
 * which process and where it listens, so CLI commands can talk to it instead.
 */
export interface LockInfo {
  pid: number;
  host: string;
  port: number;
  startedAt: string;
  /** The kernel's start time of the process (Linux): a pid the system gave to another process since is not the holder. */
  processStart?: string;
}

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(`${dataDir} is in use by collector pid ${holder.pid} (http://${holder.host}:${holder.port}); stop it or set ARM_DATA_DIR to another directory`);
  }
}

const lockPath = (dataDir: string) => join(dataDir, 'collector.lock');

/** The lock's holder if that process is alive; a lock left by a dead process is ignored. */
export function readLiveLock(dataDir: string): LockInfo | null {
  let info: LockInfo;
  try {
    info = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
  return holds(info) ? info : null;
}

export function acquireDataLock(dataDir: string, host: string, port: number): { update(port: number): void; release(): void } {
  mkdirSync(dataDir, { recursive: true });
  const holder = readLiveLock(dataDir);
  if (holder && holder.pid !== process.pid) throw new DataDirBusyError(dataDir, holder);
  const write = (p: number) => {
    const start = processStart(process.pid);
    const info: LockInfo = { pid: process.pid, host: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, port: p, startedAt: new Date().toISOString(), ...(start ? { processStart: start } : {}) };
    writeFileSync(lockPath(dataDir), JSON.stringify(info));
  };
  write(port);
  return {
    update: write,
    release() {
      if (readLiveLock(dataDir)?.pid === process.pid) rmSync(lockPath(dataDir), { force: true });
    },
  };
}

/**
 * Whether the process the lock names still holds it. A process that died holds nothing, even
 * while no parent has reaped it (a zombie still answers kill 0: a collector killed under a
 * parent that does not wait, as in a container without an init), and neither does another
 * process that was given the same pid later (a restarted container numbers from 1 again).
 */
function holds(info: LockInfo): boolean {
  if (!isAlive(info.pid)) return false;
  const stat = procStat(info.pid);
  if (!stat) return true;
  if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return false;
  return info.processStart === undefined || info.processStart === stat.start;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const processStart = (pid: number) => procStat(pid)?.start;

/** State and start time from /proc/<pid>/stat; null where there is no /proc (not Linux). */
function procStat(pid: number): { state: string; start: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, in parentheses, may itself hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, start: fields[19]! };
  } catch {
    return null;
  }
}
