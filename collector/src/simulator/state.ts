import type { SimVendor } from './catalog';
import { hash32, vendorId } from './random';
import type { Revision, TrafficSource } from './traffic';
import { buildWorld, type World } from './world';

/** Everything `ai-arm simulate` and demo mode can set, with the documented defaults. */
export interface SimulatorOptions {
  seed: string;
  agents: number;
  /** Share of requests answered with a 5xx (or Anthropic's 529), deterministic per request. */
  faultRate: number;
  /** Added to every response: base plus up to the same again. */
  latencyMs: number;
  /** Requests per key and vendor in each fixed window. */
  rateLimit: { requests: number; windowSeconds: number };
  revision: Revision;
  keys: { openaiAdmin: string; anthropicAdmin: string };
  /** Further admin keys of the same two organisations (an admin can create several): connecting both is connecting one account twice. */
  extraAdminKeys: { openai: string[]; anthropic: string[] };
  demo: boolean;
  /** Fixed clock (unix seconds) for tests; null follows the wall clock. */
  now: number | null;
}

export const SIMULATOR_DEFAULTS: SimulatorOptions = {
  seed: 'ai-arm',
  agents: 50,
  faultRate: 0,
  latencyMs: 0,
  rateLimit: { requests: 120, windowSeconds: 60 },
  revision: { windowSeconds: 3 * 3600 },
  keys: { openaiAdmin: 'sk-admin-simulator-openai-0001', anthropicAdmin: 'sk-ant-admin01-simulator-anthropic' },
  extraAdminKeys: { openai: [], anthropic: [] },
  demo: false,
  now: null,
};

export interface SimStats {
  requests: number;
  byRoute: Record<string, number>;
  rateLimited: number;
  /** Requests that arrived while their key was already over the limit. */
  violations: number;
  faults: number;
}

/** The organisation every admin key of a vendor belongs to, as that vendor names it. */
export interface SimOrganization {
  id: string;
  name: string;
}

export interface SimState extends TrafficSource {
  opts: SimulatorOptions;
  world: World;
  organizations: Record<SimVendor, SimOrganization>;
  retiredModels: Set<string>;
  stats: SimStats;
  now(): number;
  /** The same clock in milliseconds: the wall clock's own unless the clock is fixed. */
  nowMs(): number;
  setNow(now: number | null): void;
  /** Fixed-window request counts per vendor and key. */
  windows: Map<string, { start: number; count: number; limited: boolean }>;
  requestSeq: number;
}

/** Deleted agents vanish from lists and traffic from the moment they were deleted. */
export const isDeleted = (state: SimState, agentId: string) => {
  const at = state.deletedAt.get(agentId);
  return at !== undefined && at <= state.now();
};

/** How long after start the demo's doomed agent disappears: long enough to be seen healthy first. */
export const DEMO_AGENT_DOWN_AFTER_SECONDS = 120;

export function createState(partial: Partial<SimulatorOptions> = {}): SimState {
  const opts: SimulatorOptions = {
    ...SIMULATOR_DEFAULTS,
    ...partial,
    keys: { ...SIMULATOR_DEFAULTS.keys, ...partial.keys },
    extraAdminKeys: { ...SIMULATOR_DEFAULTS.extraAdminKeys, ...partial.extraAdminKeys },
  };
  let fixed = opts.now;
  const state: SimState = {
    opts,
    world: buildWorld({ seed: opts.seed, agents: opts.agents, demo: opts.demo }),
    organizations: simOrganizations(opts.seed),
    revision: opts.revision,
    deletedAt: new Map(),
    retiredModels: new Set(),
    stats: { requests: 0, byRoute: {}, rateLimited: 0, violations: 0, faults: 0 },
    now: () => Math.floor(state.nowMs() / 1000),
    nowMs: () => (fixed !== null ? fixed * 1000 : Date.now()),
    setNow(now) {
      fixed = now;
    },
    windows: new Map(),
    requestSeq: 0,
  };
  if (opts.demo) {
    const doomed = state.world.agents.find((a) => a.vendor === 'anthropic');
    if (doomed) state.deletedAt.set(doomed.id, state.now() + DEMO_AGENT_DOWN_AFTER_SECONDS);
  }
  return state;
}

/**
 * Each seed is its own pair of organisations. Anthropic's id is a UUID (GET /v1/organizations/me);
 * OpenAI names the organisation in an `openai-organization` header on every answer.
 */
export function simOrganizations(seed: string): Record<SimVendor, SimOrganization> {
  const hex = [0, 1, 2, 3].map((i) => hash32(seed, 'anthropic-organization', i).toString(16).padStart(8, '0')).join('');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return {
    openai: { id: vendorId('org-', 24, seed, 'openai-organization'), name: `Simulated (${seed})` },
    anthropic: { id: uuid, name: `Simulated (${seed})` },
  };
}
