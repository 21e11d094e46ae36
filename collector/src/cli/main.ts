import { ConfigError, loadConfig, type Config } from '../config/env';
import { DataDirBusyError } from '../runtime/data-lock';
import { BackfillUsageError, BACKFILL_USAGE, runBackfill } from './backfill';
import { runMigrate } from './migrate';
import { runSimulate } from './simulate';
import { runStart } from './start';

const USAGE = `usage: ai-arm <command>

commands:
  start     run the collector (API, /metrics, polling) on the configured stores
  migrate   apply pending store migrations and report the schema versions
  backfill  re-read usage and cost history (--connection ID --since 90d), with progress
  simulate  serve the vendor simulator (simulated OpenAI and Anthropic admin APIs)
  help      show this text

Configuration comes from the environment; see README.md for every variable.`;

const COMMANDS: Record<string, (config: Config, args: string[]) => Promise<number>> = { start: runStart, migrate: runMigrate, backfill: runBackfill };

export async function main(argv: string[]): Promise<number> {
  const [command = 'help'] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  // The simulator takes flags, not the collector's configuration.
  if (command === 'simulate') return runSimulate(argv.slice(1));
  const run = COMMANDS[command];
  if (!run) {
    console.error(`ai-arm: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(loadConfig(), argv.slice(1));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DataDirBusyError) {
      console.error(`ai-arm: ${err.message}`);
      return 78; // EX_CONFIG
    }
    if (err instanceof BackfillUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`ai-arm ${command}: ${(err as Error).message}\n\n${BACKFILL_USAGE}`);
      return 2;
    }
    console.error(`ai-arm ${command} failed: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}
