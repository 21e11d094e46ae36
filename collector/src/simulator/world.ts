import { DEMO_UNPRICED_MODEL, SIM_MODELS, type SimModel, type SimVendor } from './catalog';
import { between, pick, unit, vendorId } from './random';

/** One agent as the simulated vendor knows it, with the traffic profile that drives its usage. */
export interface SimAgent {
  index: number;
  vendor: SimVendor;
  id: string;
  name: string;
  description: string;
  model: SimModel;
  instructions: string;
  createdAt: number;
  /** OpenAI project or Anthropic workspace. */
  groupId: string;
  apiKeyId: string;
  profile: {
    /** Mean requests per hour at the daily peak. */
    requestsPerHour: number;
    /** Share of hours with no traffic at all. */
    idleShare: number;
    inputPerRequest: number;
    outputPerRequest: number;
    cacheReadShare: number;
    cacheWrite5mShare: number;
    cacheWrite1hShare: number;
    batchShare: number;
    /** OpenAI only, on models offered at the tier: share of non-batch requests sent at flex, then at priority. */
    flexShare: number;
    priorityShare: number;
    longContextShare: number;
  };
}

export interface SimGroup {
  vendor: SimVendor;
  id: string;
  name: string;
  createdAt: number;
}

export interface SimApiKey {
  vendor: SimVendor;
  id: string;
  name: string;
  groupId: string;
  createdAt: number;
  /** Keys no agent uses: their traffic is the organisation's unattributed spend. */
  shared: boolean;
  hint: string;
}

export interface World {
  seed: string;
  agents: SimAgent[];
  groups: SimGroup[];
  apiKeys: SimApiKey[];
  /** Keys that carry traffic of their own (no agent), by key id. */
  sharedKeyProfiles: Map<string, SimAgent>;
  models: SimModel[];
}

export interface WorldOptions {
  seed: string;
  agents: number;
  /** Adds the demo's surprises: an agent on a model the collector cannot price. */
  demo?: boolean;
}

const AGENTS_PER_GROUP = 25;
const EPOCH = Date.UTC(2025, 0, 1) / 1000;
const ROLES = ['Support', 'Billing', 'Onboarding', 'Research', 'Triage', 'Sales', 'Docs', 'Search', 'Coding', 'Ops'];

/** The organisation the simulator serves, built the same way every time from its seed. */
export function buildWorld(opts: WorldOptions): World {
  const { seed } = opts;
  const agents: SimAgent[] = [];
  const groups: SimGroup[] = [];
  const apiKeys: SimApiKey[] = [];
  const sharedKeyProfiles = new Map<string, SimAgent>();

  const counts: Record<SimVendor, number> = { openai: Math.ceil(opts.agents * 0.55), anthropic: opts.agents - Math.ceil(opts.agents * 0.55) };
  for (const vendor of ['openai', 'anthropic'] as const) {
    const models = SIM_MODELS.filter((m) => m.vendor === vendor && !m.embedding);
    const groupCount = Math.max(1, Math.ceil(counts[vendor] / AGENTS_PER_GROUP));
    for (let g = 0; g < groupCount; g++) {
      const group: SimGroup = {
        vendor,
        id: vendor === 'openai' ? vendorId('proj_', 24, seed, vendor, 'group', g) : vendorId('wrkspc_', 24, seed, vendor, 'group', g),
        name: `${pick(ROLES, seed, vendor, 'gname', g)} ${vendor === 'openai' ? 'project' : 'workspace'} ${g + 1}`,
        createdAt: EPOCH + g * 3600,
      };
      groups.push(group);
      // Every group has one service key no agent claims: realistic, and it exercises attribution.
      const shared = makeKey(seed, vendor, group, `shared-${g}`, true);
      apiKeys.push(shared);
      sharedKeyProfiles.set(shared.id, makeAgent(seed, vendor, -1 - g, group, shared, pick(models, seed, 'shared-model', vendor, g), true));
    }
    for (let i = 0; i < counts[vendor]; i++) {
      const group = groups.filter((g) => g.vendor === vendor)[Math.floor(i / AGENTS_PER_GROUP)]!;
      const key = makeKey(seed, vendor, group, `agent-${i}`, false);
      apiKeys.push(key);
      const model = opts.demo && vendor === 'openai' && i === 1 ? DEMO_UNPRICED_MODEL : pick(models, seed, 'model', vendor, i);
      agents.push(makeAgent(seed, vendor, i, group, key, model, false));
    }
  }
  const models = [...SIM_MODELS, ...(opts.demo ? [DEMO_UNPRICED_MODEL] : [])];
  return { seed, agents, groups, apiKeys, sharedKeyProfiles, models };
}

function makeKey(seed: string, vendor: SimVendor, group: SimGroup, tag: string, shared: boolean): SimApiKey {
  const id = vendor === 'openai' ? vendorId('key_', 16, seed, vendor, 'key', tag) : vendorId('apikey_', 24, seed, vendor, 'key', tag);
  return { vendor, id, name: shared ? `${group.name} service key` : `key ${tag}`, groupId: group.id, createdAt: group.createdAt + 60, shared, hint: id.slice(-4) };
}

function makeAgent(seed: string, vendor: SimVendor, i: number, group: SimGroup, key: SimApiKey, model: SimModel, shared: boolean): SimAgent {
  const r = (name: string) => unit(seed, vendor, 'profile', name, i);
  const role = pick(ROLES, seed, vendor, 'role', i);
  const cacheHeavy = r('cache-heavy') < 0.4;
  return {
    index: i,
    vendor,
    id: vendor === 'openai' ? vendorId('asst_', 24, seed, vendor, 'agent', i) : vendorId('agent_', 24, seed, vendor, 'agent', i),
    name: shared ? `${group.name} (unassigned)` : `${role} agent ${i + 1}`,
    description: `${role} assistant for the ${group.name}`,
    model,
    instructions: `You are the ${role.toLowerCase()} agent. Answer briefly and cite sources.`,
    createdAt: group.createdAt + between(3600, 90 * 86400, seed, vendor, 'created', i),
    groupId: group.id,
    apiKeyId: key.id,
    profile: {
      requestsPerHour: shared ? 2 + r('rph') * 4 : 1 + r('rph') * 39,
      idleShare: 0.1 + r('idle') * 0.3,
      inputPerRequest: 400 + Math.floor(r('in') * 3600),
      outputPerRequest: 80 + Math.floor(r('out') * 700),
      cacheReadShare: cacheHeavy ? 0.3 + r('cr') * 0.4 : r('cr') * 0.1,
      cacheWrite5mShare: vendor === 'anthropic' ? 0.02 + r('cw5') * 0.08 : 0,
      cacheWrite1hShare: vendor === 'anthropic' && r('cw1h-on') < 0.3 ? 0.01 + r('cw1h') * 0.04 : 0,
      batchShare: r('batch-on') < 0.25 ? 0.2 + r('batch') * 0.5 : 0,
      flexShare: model.flex && r('flex-on') < 0.3 ? 0.1 + r('flex') * 0.4 : 0,
      priorityShare: model.priority && r('priority-on') < 0.25 ? 0.1 + r('priority') * 0.3 : 0,
      longContextShare: model.longContext && r('lc-on') < 0.3 ? 0.02 + r('lc') * 0.08 : 0,
    },
  };
}
