import type { JudgeTarget } from '../../src/quality/grounding/judge';
import { startSimulator, type Simulator } from '../../src/simulator/server';

export interface ChatSimulators {
  /** Answers at once. */
  readonly sim: Simulator;
  /** Answers after 1.5 s: for the callers' timeouts. */
  readonly slow: Simulator;
  openai(s?: Simulator, model?: string): JudgeTarget;
  anthropic(s?: Simulator, model?: string): JudgeTarget;
}

/**
 * The vendor simulator's chat endpoints for the tests of what the collector asks a model (the
 * grounding judge, the context extractor): two simulators started before the file's tests and
 * closed after them, and targets on their OpenAI and Anthropic accounts.
 */
export function chatSimulators(): ChatSimulators {
  const now = Date.UTC(2026, 0, 10) / 1000;
  let sim: Simulator | undefined;
  let slow: Simulator | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ now, agents: 4 });
    slow = await startSimulator({ now, agents: 4, latencyMs: 1500 });
  });
  afterAll(async () => {
    await sim?.close();
    await slow?.close();
  });
  const started = (s: Simulator | undefined) => {
    if (!s) throw new Error('the chat simulators start in beforeAll: use them inside tests');
    return s;
  };
  return {
    get sim() {
      return started(sim);
    },
    get slow() {
      return started(slow);
    },
    openai: (s = started(sim), model = 'gpt-4o-mini') => ({ vendor: 'OPENAI', baseUrl: s.openaiBaseUrl, apiKey: s.state.opts.keys.openaiAdmin, model }),
    anthropic: (s = started(sim), model = 'claude-3-5-haiku-latest') => ({ vendor: 'ANTHROPIC', baseUrl: s.anthropicBaseUrl, apiKey: s.state.opts.keys.anthropicAdmin, model }),
  };
}
