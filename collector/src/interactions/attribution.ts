import { VENDORS } from '@ai-arm/schemas';
import type { InteractionInput, InteractionSource } from './interaction';
import { asTenant } from '../stores/tenant-scope';
import type { ControlPlaneDb } from '../stores/postgres/types';

const MAX_CACHED = 50_000;

/**
 * The agent an interaction is tied to: the agent whose vendor_agent_id is the pushed agent id
 * (whichever vendor it was discovered under), else the one of that service and name; an agent
 * seen for the first time is registered as a CUSTOM agent. Resolved agents are cached, so a
 * span of a known agent costs no round trip to PostgreSQL.
 */
export class AgentResolver {
  /** Organisation, then vendor agent id: no key text to build per span. */
  private readonly cache = new Map<string, Map<string, string>>();
  private count = 0;
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly db: ControlPlaneDb,
    /** Told when an agent was registered (the inventory's gauge counts it). */
    private readonly registered: (organizationId: string) => void,
  ) {}

  /** The agent's key as stored: the pushed id, else `<service.name>/<agent name>`. */
  static keyOf(agent: InteractionInput['agent']): { vendorAgentId: string; name: string } | null {
    const vendorAgentId = AgentResolver.vendorAgentIdOf(agent);
    if (vendorAgentId === null) return null;
    return { vendorAgentId, name: agent.id ? agent.name || agent.id : (agent.name || agent.serviceName)! };
  }

  /** keyOf's vendor agent id alone (null when the item names no agent), without an object per span. */
  static vendorAgentIdOf(agent: InteractionInput['agent']): string | null {
    if (agent.id) return agent.id.length > 255 ? agent.id.slice(0, 255) : agent.id;
    const name = agent.name || agent.serviceName;
    if (!name) return null;
    const key = agent.serviceName ? `${agent.serviceName}/${name}` : name;
    return key.length > 255 ? key.slice(0, 255) : key;
  }

  /** The agent's id when it is cached: the pipeline's path for a known agent, without a promise per span. */
  cached(organizationId: string, agent: InteractionInput['agent']): string | undefined {
    const vendorAgentId = AgentResolver.vendorAgentIdOf(agent);
    return vendorAgentId === null ? undefined : this.cache.get(organizationId)?.get(vendorAgentId);
  }

  async resolve(organizationId: string, agent: InteractionInput['agent'], source: InteractionSource): Promise<string | null> {
    const key = AgentResolver.keyOf(agent);
    if (!key) return null;
    const cacheKey = `${organizationId}|${key.vendorAgentId}`;
    const hit = this.cache.get(organizationId)?.get(key.vendorAgentId);
    if (hit) return hit;
    let pending = this.inflight.get(cacheKey);
    if (!pending) {
      pending = asTenant(organizationId, () => this.findOrRegister(organizationId, key, agent.serviceName, source)).finally(() => this.inflight.delete(cacheKey));
      this.inflight.set(cacheKey, pending);
    }
    const id = await pending;
    let org = this.cache.get(organizationId);
    if (!org) this.cache.set(organizationId, (org = new Map()));
    if (!org.has(key.vendorAgentId)) {
      if (this.count >= MAX_CACHED) this.evictOne();
      this.count++;
    }
    org.set(key.vendorAgentId, id);
    return id;
  }

  /** Drops a cached agent (it was removed): the next interaction registers it again. */
  forget(agentId: string): void {
    for (const org of this.cache.values()) {
      for (const [k, v] of org) {
        if (v !== agentId) continue;
        org.delete(k);
        this.count--;
      }
    }
  }

  /** The oldest cached agent of the first organisation that has one: new agents are rare, so this is too. */
  private evictOne(): void {
    for (const org of this.cache.values()) {
      const first = org.keys().next();
      if (first.done) continue;
      org.delete(first.value);
      this.count--;
      return;
    }
  }

  private async findOrRegister(organizationId: string, key: { vendorAgentId: string; name: string }, serviceName: string | undefined, source: InteractionSource): Promise<string> {
    const found = await this.find(organizationId, key.vendorAgentId);
    if (found) return found;
    const metadata = { source, ...(serviceName ? { serviceName } : {}) };
    // Two requests (or two collectors) may see a new agent at once: the unique key keeps one row.
    const [created] = await this.db.query<{ id: string }>(
      `INSERT INTO agents (organization_id, vendor, vendor_agent_id, name, type, status, config, metadata) VALUES ($1, 'CUSTOM', $2, $3, 'CUSTOM', 'ACTIVE', '{}', $4)
       ON CONFLICT (organization_id, vendor, vendor_agent_id) DO NOTHING RETURNING id`,
      [organizationId, key.vendorAgentId, key.name.slice(0, 255), JSON.stringify(metadata)],
    );
    if (created) {
      this.registered(organizationId);
      return created.id;
    }
    const raced = await this.find(organizationId, key.vendorAgentId);
    if (!raced) throw new Error(`agent ${key.vendorAgentId} neither found nor registered`);
    return raced;
  }

  private async find(organizationId: string, vendorAgentId: string): Promise<string | null> {
    // A vendor's own agent (polled) wins over a CUSTOM one of the same id. Naming every vendor lets
    // the lookup use the (organisation, vendor, vendor id) key.
    const [row] = await this.db.query<{ id: string }>(
      `SELECT id FROM agents WHERE organization_id = $1 AND vendor = ANY($3) AND vendor_agent_id = $2 ORDER BY (vendor = 'CUSTOM'), created_at LIMIT 1`,
      [organizationId, vendorAgentId, [...VENDORS]],
    );
    return row?.id ?? null;
  }
}
