/** preference_injections (Postgres 015): each write of preferences into a vendor agent's instructions, kept for undo. */
import type { PreferenceInjection } from '@ai-arm/schemas';
import type { SqlExecutor } from '../../stores/postgres/types';

interface Row {
  id: string;
  agent_id: string;
  vendor: string;
  before: string;
  after: string;
  preference_ids: string[];
  created_at: Date;
  created_by: string;
  undone_at: Date | null;
  undone_by: string | null;
}

const COLUMNS = 'id, agent_id, vendor, before, after, preference_ids, created_at, created_by, undone_at, undone_by';

const toInjection = (r: Row): PreferenceInjection => ({
  id: r.id,
  agentId: r.agent_id,
  vendor: r.vendor,
  before: r.before,
  after: r.after,
  preferenceIds: [...r.preference_ids],
  createdAt: r.created_at.toISOString(),
  createdBy: r.created_by,
  undoneAt: r.undone_at?.toISOString() ?? null,
  undoneBy: r.undone_by,
});

export class InjectionStore {
  constructor(private readonly db: SqlExecutor) {}

  async insert(organizationId: string, i: { agentId: string; vendor: string; before: string; after: string; preferenceIds: string[]; createdBy: string }): Promise<PreferenceInjection> {
    const [row] = await this.db.query<Row>(
      `INSERT INTO preference_injections (organization_id, agent_id, vendor, before, after, preference_ids, created_by) VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7) RETURNING ${COLUMNS}`,
      [organizationId, i.agentId, i.vendor, i.before, i.after, i.preferenceIds, i.createdBy],
    );
    return toInjection(row!);
  }

  async get(organizationId: string, agentId: string, id: string): Promise<PreferenceInjection | null> {
    const [row] = await this.db.query<Row>(`SELECT ${COLUMNS} FROM preference_injections WHERE organization_id = $1 AND agent_id = $2 AND id = $3`, [organizationId, agentId, id]);
    return row ? toInjection(row) : null;
  }

  /** The agent's newest injection not undone: the only one an undo may take back. */
  async latestLive(organizationId: string, agentId: string): Promise<PreferenceInjection | null> {
    const [row] = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM preference_injections WHERE organization_id = $1 AND agent_id = $2 AND undone_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1`,
      [organizationId, agentId],
    );
    return row ? toInjection(row) : null;
  }

  async markUndone(organizationId: string, id: string, by: string): Promise<PreferenceInjection> {
    const [row] = await this.db.query<Row>(`UPDATE preference_injections SET undone_at = now(), undone_by = $3 WHERE organization_id = $1 AND id = $2 RETURNING ${COLUMNS}`, [organizationId, id, by]);
    return toInjection(row!);
  }

  /** Holds the agent's row until the transaction ends: one injection or undo of an agent at a time. */
  async lockAgent(organizationId: string, agentId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT id FROM agents WHERE organization_id = $1 AND id = $2 FOR UPDATE', [organizationId, agentId]);
    return rows.length > 0;
  }
}
