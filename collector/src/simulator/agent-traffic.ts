import type { SimVendor } from './catalog';
import { demoExchange } from './demo-answers';
import { hash32, unit } from './random';
import type { SimAgent, World } from './world';

/**
 * The requests the simulated agents make, one at a time, as an application's GenAI
 * instrumentation would see them: which agent, which model, how long, how many tokens, whether
 * it failed and how. The demo pushes them as OTLP spans (agent-push.ts); this module only
 * decides what happened, so it can be tested without a network.
 */

/** A random number in [0, 1): Math.random in the demo, a seeded generator in tests. */
export type Rng = () => number;

/** How a model family answers: median time to first token and output speed, as clients see them. */
interface ModelLatency {
  ttftMs: number;
  tokensPerSecond: number;
}

// Medians in the range public benchmarks report for each family; reasoning models think
// before their first visible token, so theirs come late.
const LATENCY: Record<string, ModelLatency> = {
  'gpt-4o': { ttftMs: 450, tokensPerSecond: 80 },
  'gpt-4o-mini': { ttftMs: 320, tokensPerSecond: 110 },
  'gpt-4.1': { ttftMs: 550, tokensPerSecond: 75 },
  'o4-mini': { ttftMs: 2_600, tokensPerSecond: 140 },
  'gpt-5-mini': { ttftMs: 1_900, tokensPerSecond: 120 },
  'o1-pro': { ttftMs: 22_000, tokensPerSecond: 35 },
  'claude-sonnet-4-5': { ttftMs: 900, tokensPerSecond: 65 },
  'claude-haiku-4-5': { ttftMs: 420, tokensPerSecond: 140 },
  'claude-opus-4-1': { ttftMs: 1_700, tokensPerSecond: 35 },
  'claude-3-5-haiku': { ttftMs: 550, tokensPerSecond: 90 },
};
const DEFAULT_LATENCY: ModelLatency = { ttftMs: 600, tokensPerSecond: 70 };
export const latencyOf = (family: string): ModelLatency => LATENCY[family] ?? DEFAULT_LATENCY;

/** What the client gives up after: the request ends as a timeout with nothing back. */
export const CLIENT_TIMEOUT_MS = 30_000;

/** The low-cardinality error.type values the demo's failures carry (the ingest API's vocabulary). */
export const ERROR_TYPES = ['rate_limited', 'timeout', 'server_error'] as const;
export type DemoErrorType = (typeof ERROR_TYPES)[number];

const TOOLS_BY_ROLE: Record<string, string[]> = {
  Support: ['search_knowledge_base', 'create_ticket', 'lookup_order'],
  Billing: ['get_invoice', 'issue_refund', 'lookup_customer'],
  Onboarding: ['create_workspace', 'send_invite'],
  Research: ['web_search', 'fetch_url', 'summarize_document'],
  Triage: ['classify_ticket', 'assign_queue'],
  Sales: ['lookup_account', 'create_quote', 'schedule_meeting'],
  Docs: ['search_docs', 'open_page'],
  Search: ['vector_search', 'rerank'],
  Coding: ['read_file', 'run_tests', 'apply_patch'],
  Ops: ['query_metrics', 'page_oncall', 'run_runbook'],
};
/** Offered on some revisions only: adding or dropping a tool is a new version. */
const EXTRA_TOOL = 'escalate_to_human';

// Prompt iteration: each revision toggles one of these (a Gray code over them), so consecutive
// revisions always differ and 64 of them pass before one repeats.
const RULES = [
  "Answer in the user's language.",
  'Keep answers under 120 words.',
  'Cite the id of every document you use.',
  'Ask one clarifying question when the request is ambiguous.',
  'Never share internal ticket notes.',
  'Hand over to a human when the user asks twice.',
];

/** One agent that sends requests, as its instrumentation names it. */
export interface DemoAgent {
  /** gen_ai.agent.id: the vendor's id of the agent, so pushed requests meet the polled inventory; absent for the in-house agent. */
  id?: string;
  name: string;
  /** service.name of the application the agent runs in. */
  serviceName: string;
  /** gen_ai.provider.name */
  provider: SimVendor;
  /** The family alias an application asks for (gen_ai.request.model)... */
  requestModel: string;
  /** ...and the dated snapshot the vendor answers with (gen_ai.response.model). */
  responseModel: string;
  latency: ModelLatency;
  inputPerRequest: number;
  outputPerRequest: number;
  cacheReadShare: number;
  cacheWriteShare: number;
  streamShare: number;
  /** Share of requests refused for rate limits, timed out and failed at the vendor. */
  errorRates: Record<DemoErrorType, number>;
  baseInstructions: string;
  baseTools: string[];
  /** A new revision (prompt or tools) every this many milliseconds. */
  revisionPeriodMs: number;
  revisionPhaseMs: number;
  /** Relative share of the traffic. */
  weight: number;
  /** A latency regression: from sinceMs on, requests take `factor` times as long (demo drift). */
  slowdown?: { sinceMs: number; factor: number };
}

/** One request, finished: what its span reports. */
export interface AgentRequest {
  agent: DemoAgent;
  startMs: number;
  durationMs: number;
  /** Streaming requests only: when the first chunk arrived, from the start. */
  ttftMs?: number;
  stream: boolean;
  /** Absent when no answer came (the request failed). */
  responseModel?: string;
  responseId?: string;
  finishReason?: string;
  /** As the current GenAI conventions count them: `input` includes the cached input read and written. */
  tokens: { input: number; output: number; cacheRead: number; cacheWrite: number };
  maxTokens: number;
  temperature: number;
  status: 'ok' | 'error';
  errorType?: DemoErrorType;
  conversationId: string;
  revision: number;
  systemInstructions: string;
  toolNames: string[];
  /** What the user asked, as the application's instrumentation records it (gen_ai.input.messages). */
  userMessage: string;
  /** A tool's or retriever's result the answer rests on (an input message with role "tool"). */
  retrieved?: string;
  /** The answer (gen_ai.output.messages); absent when the request failed. */
  answer?: string;
}

const DAY_MS = 86_400_000;
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** The in-house agent: no vendor knows it, so the collector registers it as a CUSTOM agent by service and name. */
export const IN_HOUSE_AGENT = { name: 'invoice-extractor', serviceName: 'finance-invoice-pipeline' } as const;

/**
 * The world's agents as request senders (every vendor agent, in its project's or workspace's
 * service) plus one in-house agent. Profiles come from the world's seed, so the same agents
 * are fast, slow, flaky or under active prompt iteration at every start.
 */
export function demoAgents(world: World): DemoAgent[] {
  const groups = new Map(world.groups.map((g) => [g.id, g]));
  const agents = world.agents.map((a) => fromSimAgent(world.seed, a, slug(groups.get(a.groupId)?.name ?? a.vendor)));
  const share = (name: string) => unit(world.seed, 'in-house', name);
  agents.push({
    name: IN_HOUSE_AGENT.name,
    serviceName: IN_HOUSE_AGENT.serviceName,
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    latency: latencyOf('gpt-4o-mini'),
    inputPerRequest: 2_500,
    outputPerRequest: 350,
    cacheReadShare: 0.5,
    cacheWriteShare: 0,
    streamShare: 0.2,
    errorRates: { rate_limited: 0.01, timeout: 0.004, server_error: 0.002 },
    baseInstructions: 'Extract the supplier, date, currency, line items and total from the invoice. Answer in JSON only.',
    baseTools: ['lookup_supplier', 'convert_currency'],
    revisionPeriodMs: 15 * 60_000,
    revisionPhaseMs: Math.floor(share('phase') * 15 * 60_000),
    // About a tenth of all requests: it shows up in the inventory within seconds of the start.
    weight: Math.max(1, agents.reduce((n, a) => n + a.weight, 0) / 9),
  });
  return agents;
}

function fromSimAgent(seed: string, a: SimAgent, serviceName: string): DemoAgent {
  const r = (name: string) => unit(seed, 'push', a.id, name);
  const role = a.name.split(' ')[0] ?? '';
  // One agent in each vendor is under active prompt iteration (a new version every ten
  // minutes); the rest change every one to seven days. Not the first two: in demo mode the
  // first Anthropic agent is deleted and the second OpenAI one runs an unpriced model.
  const iterating = a.index === 2;
  const revisionPeriodMs = iterating ? 10 * 60_000 : DAY_MS * (1 + Math.floor(r('revision') * 7));
  // One agent in eight shares a hot key and hits its rate limit often.
  const flaky = r('flaky') < 0.125;
  return {
    id: a.id,
    name: a.name,
    serviceName,
    provider: a.vendor,
    requestModel: a.model.family,
    responseModel: a.model.id,
    latency: latencyOf(a.model.family),
    inputPerRequest: a.profile.inputPerRequest,
    outputPerRequest: a.profile.outputPerRequest,
    cacheReadShare: a.profile.cacheReadShare,
    cacheWriteShare: a.profile.cacheWrite5mShare + a.profile.cacheWrite1hShare,
    streamShare: 0.4 + r('stream') * 0.6,
    errorRates: { rate_limited: flaky ? 0.06 + r('rl') * 0.04 : 0.005 + r('rl') * 0.015, timeout: 0.002 + r('to') * 0.008, server_error: 0.001 + r('5xx') * 0.004 },
    baseInstructions: a.instructions,
    baseTools: TOOLS_BY_ROLE[role] ?? ['search'],
    revisionPeriodMs,
    revisionPhaseMs: Math.floor(r('phase') * revisionPeriodMs),
    weight: a.profile.requestsPerHour,
  };
}

/** The agent's configuration at revision `v`: one rule toggled per revision, a tool added or dropped every third. */
export function revisionOf(agent: DemoAgent, v: number): { systemInstructions: string; toolNames: string[] } {
  const gray = v ^ (v >> 1);
  const rules = RULES.filter((_, i) => (gray >> i) & 1);
  const extra = Math.floor(v / 3) % 2 === 1;
  return {
    systemInstructions: [agent.baseInstructions, ...rules].join(' '),
    toolNames: extra ? [...agent.baseTools, EXTRA_TOOL] : [...agent.baseTools],
  };
}

export const revisionAt = (agent: DemoAgent, nowMs: number) => Math.floor((nowMs + agent.revisionPhaseMs) / agent.revisionPeriodMs);

/** A standard normal draw (Box-Muller). */
function normal(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
/** Log-normal around a median: latencies and token counts have long right tails. */
const logNormal = (rng: Rng, median: number, sigma: number) => median * Math.exp(sigma * normal(rng));

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const randomId = (rng: Rng, prefix: string, length: number) => prefix + Array.from({ length }, () => ID_ALPHABET[Math.floor(rng() * ID_ALPHABET.length)]).join('');

/**
 * Picks who sends the next request and what became of it. Each agent keeps a conversation
 * going for a few turns before starting the next one.
 */
export class AgentTraffic {
  private readonly conversations = new Map<DemoAgent, { id: string; turnsLeft: number }>();

  constructor(
    readonly agents: readonly DemoAgent[],
    private readonly rng: Rng = Math.random,
    /** Agents the vendor deleted send nothing any more. */
    private readonly active: (agent: DemoAgent) => boolean = () => true,
  ) {}

  /** The request that finished at `endMs` (of `only`, when given), or null when no agent (or not `only`) is active. */
  next(endMs: number, only?: DemoAgent): AgentRequest | null {
    const agent = only ? (this.active(only) ? only : null) : this.pick();
    return agent ? this.request(agent, endMs) : null;
  }

  private pick(): DemoAgent | null {
    const live = this.agents.filter(this.active);
    let x = this.rng() * live.reduce((n, a) => n + a.weight, 0);
    for (const a of live) if ((x -= a.weight) < 0) return a;
    return live.at(-1) ?? null;
  }

  private conversation(agent: DemoAgent): string {
    let c = this.conversations.get(agent);
    if (!c || c.turnsLeft <= 0) {
      // Mostly short exchanges, some long ones: 1 to 8 turns.
      c = { id: randomId(this.rng, 'conv_', 24), turnsLeft: 1 + Math.floor(this.rng() ** 2 * 8) };
      this.conversations.set(agent, c);
    }
    c.turnsLeft--;
    return c.id;
  }

  request(agent: DemoAgent, endMs: number): AgentRequest {
    const rng = this.rng;
    const revision = revisionAt(agent, endMs);
    const { systemInstructions, toolNames } = revisionOf(agent, revision);
    const stream = rng() < agent.streamShare;
    const conversationId = this.conversation(agent);
    const turn = this.conversations.get(agent)?.turnsLeft ?? 0;
    const userMessage = userMessageOf(agent, conversationId, turn);
    const base = { agent, stream, conversationId, revision, systemInstructions, toolNames, userMessage, maxTokens: 4096, temperature: agent.provider === 'anthropic' ? 1 : 0.7 };
    const failure = this.failure(agent);
    if (failure) {
      const durationMs =
        failure === 'timeout' ? CLIENT_TIMEOUT_MS : failure === 'rate_limited' ? logNormal(rng, 120, 0.5) : logNormal(rng, agent.latency.ttftMs * 2, 0.6);
      return { ...base, startMs: endMs - durationMs, durationMs, tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, status: 'error', errorType: failure };
    }
    const input = Math.max(1, Math.round(logNormal(rng, agent.inputPerRequest, 0.35)));
    const cacheRead = Math.floor(input * agent.cacheReadShare * (0.8 + 0.4 * rng()));
    const cacheWrite = Math.min(input - cacheRead, Math.floor(input * agent.cacheWriteShare * 2 * rng()));
    const output = Math.max(1, Math.round(logNormal(rng, agent.outputPerRequest, 0.5)));
    // One request in fifty waits in the vendor's queue: the p99 a dashboard should show.
    const queued = rng() < 0.02 ? 2 + rng() * 4 : 1;
    const ttftMs = logNormal(rng, agent.latency.ttftMs, 0.35) * queued + (cacheRead > 0 ? 0 : input / 20);
    const generationMs = (output / logNormal(rng, agent.latency.tokensPerSecond, 0.2)) * 1000;
    const slow = agent.slowdown && endMs >= agent.slowdown.sinceMs ? agent.slowdown.factor : 1;
    const durationMs = Math.min(CLIENT_TIMEOUT_MS - 1, (ttftMs + generationMs) * slow);
    return {
      ...base,
      startMs: endMs - durationMs,
      durationMs,
      ...(stream ? { ttftMs: Math.min(ttftMs * slow, durationMs) } : {}),
      responseModel: agent.responseModel,
      responseId: agent.provider === 'openai' ? randomId(rng, 'chatcmpl-', 29) : randomId(rng, 'msg_', 24),
      finishReason: agent.provider === 'openai' ? (rng() < 0.15 ? 'tool_calls' : 'stop') : rng() < 0.15 ? 'tool_use' : 'end_turn',
      tokens: { input, output, cacheRead, cacheWrite },
      status: 'ok',
      ...demoExchange(agent.name, conversationId, turn, questionOf(agent, conversationId, turn)),
    };
  }

  private failure(agent: DemoAgent): DemoErrorType | null {
    let x = this.rng();
    for (const type of ERROR_TYPES) if ((x -= agent.errorRates[type]) < 0) return type;
    return null;
  }
}

// What users ask. One conversation turn in forty pastes a card number (a test PAN, Luhn-valid)
// into the chat, as users do: the demo's governance policy on PII in prompts has something to block.
const QUESTIONS = [
  'Where is my order? It was due on Monday.',
  'Can you summarise the attached report in three bullet points?',
  'Why was I charged twice this month?',
  'How do I reset my password?',
  'Which plan includes single sign-on?',
  'Please draft a reply to the customer below.',
];
const WITH_CARD = 'My card 4111 1111 1111 1111 was charged twice, please refund the second payment.';

/** Chosen by hash rather than the Rng, so adding content left every other draw of the traffic as it was. */
function userMessageOf(agent: DemoAgent, conversationId: string, turn: number): string {
  const q = questionOf(agent, conversationId, turn);
  return q < 0 ? WITH_CARD : QUESTIONS[q]!;
}

/** Which of QUESTIONS the turn asks, or -1 for the card message. */
function questionOf(agent: DemoAgent, conversationId: string, turn: number): number {
  const h = hash32(agent.name, conversationId, turn);
  return h % 40 === 0 ? -1 : h % QUESTIONS.length;
}

/** A seeded Rng for tests and reproducible runs (mulberry32). */
export function seededRng(seed: string): Rng {
  let s = hash32(seed, 'rng');
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
