/** One line of progress: `OPENAI  [########------------]  40%  12,345 rows  ETA 1m20s`. */
export function progressLine(label: string, progress: number, rows: number, etaSeconds: number | null, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, progress)) * width);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
  const eta = progress >= 1 ? 'done' : etaSeconds === null ? 'ETA --' : etaSeconds < 1 ? 'ETA <1s' : `ETA ${duration(etaSeconds)}`;
  return `${label.padEnd(10)} [${bar}] ${String(Math.floor(progress * 100)).padStart(3)}%  ${rows.toLocaleString('en-US')} rows  ${eta}`;
}

export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Redraws in place on a terminal; elsewhere (CI logs, pipes) prints a line per tenth
 * of the way and the last one, so logs stay readable.
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr) {
  const lastTenth = new Map<string, number>();
  return {
    update(label: string, progress: number, rows: number, etaSeconds: number | null) {
      const line = progressLine(label, progress, rows, etaSeconds);
      if (stream.isTTY) {
        stream.write(`\r${line}`);
        return;
      }
      const tenth = Math.floor(progress * 10);
      if (lastTenth.get(label) !== tenth) {
        lastTenth.set(label, tenth);
        stream.write(`${line}\n`);
      }
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
