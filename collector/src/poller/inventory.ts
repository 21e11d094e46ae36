import type { DiscoveredAgent } from '../connectors/types';
import type { SqlExecutor } from '../stores/postgres/types';

export interface InventoryChange {
  discovered: number;
  added: number;
  changed: number;
  vanished: number;
}

/**
 * Brings a connection's agents in line with what the vendor lists: new ones are added,
 * changed ones updated, and ones the vendor no longer lists are marked vanished (and DOWN),
 * never deleted: their history stays.
 */
export async function syncInventory(db: SqlExecutor, organizationId: string, connectionId: string, agents: DiscoveredAgent[]): Promise<InventoryChange> {
  const payload = JSON.stringify(
    agents.map((a) => ({ vendor: a.vendor, vendor_agent_id: a.vendorAgentId, name: a.name.slice(0, 255), type: a.type, config: a.config, metadata: a.metadata, created_at: a.createdAt })),
  );
  const upserted = await db.query<{ inserted: boolean }>(
    `INSERT INTO agents (organization_id, connection_id, vendor, vendor_agent_id, name, type, status, config, metadata, created_at)
     SELECT $1, $2, x.vendor, x.vendor_agent_id, x.name, x.type, 'ACTIVE', x.config, x.metadata, x.created_at
       FROM jsonb_to_recordset($3::jsonb) AS x(vendor text, vendor_agent_id text, name text, type text, config jsonb, metadata jsonb, created_at timestamptz)
     ON CONFLICT (organization_id, vendor, vendor_agent_id) DO UPDATE
       SET name = EXCLUDED.name, config = EXCLUDED.config, metadata = EXCLUDED.metadata, connection_id = EXCLUDED.connection_id,
           vanished_at = NULL, last_error = CASE WHEN agents.vanished_at IS NULL THEN agents.last_error END, updated_at = now()
       WHERE (agents.name, agents.config, agents.metadata, agents.connection_id) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.config, EXCLUDED.metadata, EXCLUDED.connection_id)
          OR agents.vanished_at IS NOT NULL
     RETURNING (xmax = 0) AS inserted`,
    [organizationId, connectionId, payload],
  );
  const vanished = await db.query(
    `UPDATE agents SET vanished_at = now(), health = 'DOWN', health_score = 0, last_error = 'the agent no longer exists at the vendor', updated_at = now()
      WHERE organization_id = $1 AND connection_id = $2 AND vanished_at IS NULL AND NOT (vendor_agent_id = ANY($3::text[]))
      RETURNING id`,
    [organizationId, connectionId, agents.map((a) => a.vendorAgentId)],
  );
  const added = upserted.filter((r) => r.inserted).length;
  return { discovered: agents.length, added, changed: upserted.length - added, vanished: vanished.length };
}
