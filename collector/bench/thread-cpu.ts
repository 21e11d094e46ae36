/**
 * This process's CPU by thread (Linux /proc/self/task), for the benches that run the collector in
 * their own process: the main thread (JavaScript, the event loop), Node's other threads (V8's
 * garbage-collection helpers, libuv's file-system pool) and the engine's threads (chdb names its
 * own), so a figure per span says which side to cut. Elsewhere it reads nothing and prints nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of utime/stime in /proc: 100 on Linux's usual builds. */
const TICKS = 100;

export type ThreadCpu = Map<string, { name: string; seconds: number; waitSeconds: number }>;

/** CPU seconds so far of each live thread, by thread id. */
export function threadCpu(): ThreadCpu {
  const out: ThreadCpu = new Map();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      // After "(comm)": state is field 3; utime and stime are fields 14 and 15.
      const fields = stat.slice(close + 2).split(' ');
      out.set(tid, { name, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS, waitSeconds: runQueueSeconds(tid) });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/**
 * How long a thread has waited runnable for a core (the second field of schedstat, ns): on a
 * machine with more runnable threads than cores, the time the event loop stood still without
 * working. 0 where the kernel keeps no schedstats.
 */
function runQueueSeconds(tid: string): number {
  try {
    return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[1]) / 1e9 || 0;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds spent between two readings, by side: `main` (the thread whose id is the process's),
 * `node` (Node's and V8's other threads), and the engine's threads by name (any thread not
 * named as the executable is). A thread that ended between the readings is not counted.
 */
export function threadCpuSince(before: ThreadCpu, after: ThreadCpu = threadCpu()): { main: number; mainWaited: number; node: number; engine: number; byName: Map<string, number> } {
  const pid = String(process.pid);
  const exe = after.get(pid)?.name ?? 'node';
  const r = { main: 0, mainWaited: (after.get(pid)?.waitSeconds ?? 0) - (before.get(pid)?.waitSeconds ?? 0), node: 0, engine: 0, byName: new Map<string, number>() };
  for (const [tid, t] of after) {
    const s = t.seconds - (before.get(tid)?.seconds ?? 0);
    if (tid === pid) r.main += s;
    else if (t.name === exe) r.node += s;
    else {
      r.engine += s;
      r.byName.set(t.name, (r.byName.get(t.name) ?? 0) + s);
    }
  }
  return r;
}
