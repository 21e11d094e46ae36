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
  return isAlive(info.pid) ? info : null;
}

export function acquireDataLock(dataDir: string, host: string, port: number): { update(port: number): void; release(): void } {
  mkdirSync(dataDir, { recursive: true });
  const holder = readLiveLock(dataDir);
  if (holder && holder.pid !== process.pid) throw new DataDirBusyError(dataDir, holder);
  const write = (p: number) => {
    const info: LockInfo = { pid: process.pid, host: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, port: p, startedAt: new Date().toISOString() };
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
