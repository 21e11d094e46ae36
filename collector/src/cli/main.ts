import { ConfigError, loadConfig, type Config } from '../config/env';
import { DataDirBusyError } from '../runtime/data-lock';
import { AUDIT_USAGE, runAudit } from './audit';
import { BACKFILL_USAGE, runBackfill } from './backfill';
import { UsageError } from './usage-error';
import { runMigrate } from './migrate';
import { runSimulate } from './simulate';
import { runStart } from './start';

const USAGE = `usage: ai-arm <command>

commands:
  start     run the collector (API, /metrics, polling) on the configured stores
  migrate   apply pending store migrations and report the schema versions
  backfill  re-read usage and cost history (--connection ID --since 90d), with progress
  audit     verify the audit trail's hash chains (audit verify [--organization slug])
  simulate  serve the vendor simulator (simulated OpenAI and Anthropic admin APIs)
  help      show this text

Configuration comes from the environment; see README.md for every variable.`;

const COMMANDS: Record<string, (config: Config, args: string[]) => Promise<number>> = { start: runStart, migrate: runMigrate, backfill: runBackfill, audit: runAudit };
const USAGES: Record<string, string> = { backfill: BACKFILL_USAGE, audit: AUDIT_USAGE };

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
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`ai-arm ${command}: ${(err as Error).message}\n\n${USAGES[command] ?? USAGE}`);
      return 2;
    }
    console.error(`ai-arm ${command} failed: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}
