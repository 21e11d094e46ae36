import { parseArgs } from 'node:util';
import { startSimulator } from '../simulator/server';
import { SIMULATOR_DEFAULTS } from '../simulator/state';

export const SIMULATE_USAGE = `usage: ai-arm simulate [--port N] [--host H] [--agents N] [--seed S] [--fault-rate R] [--latency-ms MS] [--rate-limit N] [--now TIME] [--demo]

Serves simulated OpenAI (/openai/v1) and Anthropic (/anthropic/v1) admin APIs with
deterministic data, plus GET /truth?start=&end= (what it serves, per vendor, model, day).
--now fixes the simulator's clock (RFC 3339) for reproducible runs; by default it follows the wall clock.
Defaults: port 8090, ${SIMULATOR_DEFAULTS.agents} agents, seed "${SIMULATOR_DEFAULTS.seed}", no faults,
${SIMULATOR_DEFAULTS.rateLimit.requests} requests per ${SIMULATOR_DEFAULTS.rateLimit.windowSeconds}s per key.`;

class UsageError extends Error {}

function number(value: string | undefined, name: string, min: number, max: number, dflt: number): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max} (got "${value}")`);
  return n;
}

function clock(value: string | undefined): number | null {
  if (value === undefined) return null;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--now must be an RFC 3339 time (got "${value}")`);
  return Math.floor(t / 1000);
}

/** `ai-arm simulate`: the vendor simulator on its own port, until a signal stops it. */
export async function runSimulate(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        agents: { type: 'string' },
        seed: { type: 'string' },
        'fault-rate': { type: 'string' },
        'latency-ms': { type: 'string' },
        'rate-limit': { type: 'string' },
        now: { type: 'string' },
        demo: { type: 'boolean' },
      },
      strict: true,
    }));
    const sim = await startSimulator({
      port: number(values.port as string | undefined, 'port', 0, 65535, 8090),
      host: (values.host as string | undefined) ?? '127.0.0.1',
      agents: number(values.agents as string | undefined, 'agents', 1, 100_000, SIMULATOR_DEFAULTS.agents),
      seed: (values.seed as string | undefined) ?? SIMULATOR_DEFAULTS.seed,
      faultRate: number(values['fault-rate'] as string | undefined, 'fault-rate', 0, 1, 0),
      latencyMs: number(values['latency-ms'] as string | undefined, 'latency-ms', 0, 60_000, 0),
      rateLimit: { ...SIMULATOR_DEFAULTS.rateLimit, requests: number(values['rate-limit'] as string | undefined, 'rate-limit', 1, 1_000_000, SIMULATOR_DEFAULTS.rateLimit.requests) },
      demo: values.demo === true,
      now: clock(values.now as string | undefined),
    });
    const { keys } = sim.state.opts;
    console.log(`vendor simulator on ${sim.url} (${sim.state.world.agents.length} agents, seed "${sim.state.world.seed}")`);
    console.log(`  OPENAI_BASE_URL=${sim.openaiBaseUrl} OPENAI_ADMIN_KEY=${keys.openaiAdmin}`);
    console.log(`  ANTHROPIC_BASE_URL=${sim.anthropicBaseUrl} ANTHROPIC_ADMIN_KEY=${keys.anthropicAdmin}`);
    console.log(`  ground truth: ${sim.url}/truth?start=2026-01-01T00:00:00Z`);
    const stop = () => void sim.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`ai-arm simulate: ${(err as Error).message}\n\n${SIMULATE_USAGE}`);
      return 2;
    }
    throw err;
  }
}
