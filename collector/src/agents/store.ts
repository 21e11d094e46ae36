import type { Agent } from '@ai-arm/schemas';
import type { SqlExecutor } from '../stores/postgres/types';

export interface AgentRow {
  id: string;
  organization_id: string;
  connection_id: string | null;
  vendor: Agent['vendor'];
  vendor_agent_id: string;
  name: string;
  type: Agent['type'];
  status: Agent['status'];
  health: Agent['health'];
  config: Agent['config'];
  metadata: Agent['metadata'];
  health_score: number;
  last_health_check: Date | null;
  last_error: string | null;
  active_probe: boolean;
  vanished_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type AgentView = Agent & { lastError: string | null; activeProbe: boolean; vanishedAt: string | null };

export const toAgent = (r: AgentRow): AgentView => ({
  id: r.id,
  organizationId: r.organization_id,
  connectionId: r.connection_id,
  name: r.name,
  vendor: r.vendor,
  vendorAgentId: r.vendor_agent_id,
  type: r.type,
  status: r.status,
  health: r.health,
  config: r.config,
  metadata: r.metadata,
  healthScore: r.health_score,
  lastHealthCheck: r.last_health_check?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  lastError: r.last_error,
  activeProbe: r.active_probe,
  vanishedAt: r.vanished_at?.toISOString() ?? null,
});

export const AGENT_COLUMNS =
  'id, organization_id, connection_id, vendor, vendor_agent_id, name, type, status, health, config, metadata, health_score, last_health_check, last_error, active_probe, vanished_at, created_at, updated_at';

/** One organisation's agents by id; anything of another organisation is simply not there. */
export class AgentStore {
  constructor(private readonly db: SqlExecutor) {}

  async get(organizationId: string, id: string): Promise<AgentView | null> {
    const [row] = await this.db.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE organization_id = $1 AND id = $2`, [organizationId, id]);
    return row ? toAgent(row) : null;
  }

  async create(organizationId: string, a: { name: string; type: Agent['type']; vendorAgentId: string; config: object; metadata: object }): Promise<AgentView> {
    const [row] = await this.db.query<AgentRow>(
      `INSERT INTO agents (organization_id, vendor, vendor_agent_id, name, type, status, config, metadata) VALUES ($1, 'CUSTOM', $2, $3, $4, 'ACTIVE', $5, $6) RETURNING ${AGENT_COLUMNS}`,
      [organizationId, a.vendorAgentId, a.name, a.type, JSON.stringify(a.config), JSON.stringify(a.metadata)],
    );
    return toAgent(row!);
  }

  async update(organizationId: string, id: string, p: { name?: string; type?: Agent['type']; config?: object; metadata?: object; activeProbe?: boolean; status?: Agent['status'] }): Promise<AgentView | null> {
    const [row] = await this.db.query<AgentRow>(
      `UPDATE agents SET name = coalesce($3, name), type = coalesce($4, type), config = coalesce($5, config), metadata = coalesce($6, metadata),
              active_probe = coalesce($7, active_probe), status = coalesce($8, status), updated_at = now()
        WHERE organization_id = $1 AND id = $2 RETURNING ${AGENT_COLUMNS}`,
      [organizationId, id, p.name ?? null, p.type ?? null, p.config ? JSON.stringify(p.config) : null, p.metadata ? JSON.stringify(p.metadata) : null, p.activeProbe ?? null, p.status ?? null],
    );
    return row ? toAgent(row) : null;
  }

  async remove(organizationId: string, id: string): Promise<void> {
    await this.db.query('DELETE FROM agents WHERE organization_id = $1 AND id = $2', [organizationId, id]);
  }
}
