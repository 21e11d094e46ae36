import type { Connection } from '@ai-arm/schemas';
import type { CredentialVault } from '../security/envelope-crypto';
import type { SqlExecutor } from '../stores/postgres/types';

interface Row {
  id: string;
  organization_id: string;
  vendor: Connection['vendor'];
  name: string;
  status: Connection['status'];
  credential_hint: string;
  base_url: string | null;
  source: string;
  created_at: Date;
  updated_at: Date;
  last_success: Date | null;
  last_failure: Date | null;
  last_error: string | null;
}

// Sync state comes from the poller's feed watermarks: the newest success, and the newest
// error when it is more recent than that.
const SELECT = `
  SELECT c.id, c.organization_id, c.vendor, c.name, c.status, c.credential_hint, c.base_url, c.source, c.created_at, c.updated_at,
         w.last_success, w.last_failure, w.last_error
    FROM connections c
    LEFT JOIN LATERAL (
      SELECT max(last_success_at) AS last_success,
             max(updated_at) FILTER (WHERE last_error IS NOT NULL) AS last_failure,
             (array_agg(last_error ORDER BY updated_at DESC) FILTER (WHERE last_error IS NOT NULL))[1] AS last_error
        FROM poll_watermarks WHERE connection_id = c.id) w ON true`;

const toConnection = (r: Row): Connection & { source: string } => {
  const failing = r.last_error !== null && (!r.last_success || (r.last_failure !== null && r.last_failure > r.last_success));
  return {
    id: r.id,
    organizationId: r.organization_id,
    vendor: r.vendor,
    name: r.name,
    status: r.status === 'DISABLED' ? 'DISABLED' : failing ? 'ERROR' : r.last_success ? 'CONNECTED' : r.status,
    credentialHint: r.credential_hint,
    baseUrl: r.base_url,
    lastSyncAt: r.last_success?.toISOString() ?? null,
    lastError: failing ? r.last_error : null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    source: r.source,
  };
};

/** Vendor connections of an organisation; deleted ones keep their row (and history) but leave every list. */
export class ConnectionStore {
  constructor(private readonly db: SqlExecutor) {}

  async list(organizationId: string): Promise<(Connection & { source: string })[]> {
    return (await this.db.query<Row>(`${SELECT} WHERE c.organization_id = $1 AND c.deleted_at IS NULL ORDER BY c.created_at, c.id`, [organizationId])).map(toConnection);
  }

  async get(organizationId: string, id: string): Promise<(Connection & { source: string }) | null> {
    const [row] = await this.db.query<Row>(`${SELECT} WHERE c.organization_id = $1 AND c.id = $2 AND c.deleted_at IS NULL`, [organizationId, id]);
    return row ? toConnection(row) : null;
  }

  /** The admin key arrives sealed to the new row's id (CredentialVault.seal); only a hint stays in clear. */
  async create(c: { id: string; organizationId: string; vendor: 'OPENAI' | 'ANTHROPIC'; name: string; sealed: Buffer; hint: string; baseUrl: string | null; status: Connection['status'] }): Promise<void> {
    await this.db.query(
      `INSERT INTO connections (id, organization_id, vendor, name, credentials_encrypted, credential_hint, base_url, status, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'api')`,
      [c.id, c.organizationId, c.vendor, c.name, c.sealed, c.hint, c.baseUrl, c.status],
    );
  }

  async secret(vault: CredentialVault, organizationId: string, id: string): Promise<string | null> {
    const [row] = await this.db.query<{ credentials_encrypted: Uint8Array | null }>('SELECT credentials_encrypted FROM connections WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL', [organizationId, id]);
    if (!row?.credentials_encrypted) return null;
    return (await vault.open<{ adminKey: string }>(organizationId, id, Buffer.from(row.credentials_encrypted))).adminKey;
  }

  async setStatus(organizationId: string, id: string, status: Connection['status']): Promise<void> {
    await this.db.query('UPDATE connections SET status = $3, updated_at = now() WHERE organization_id = $1 AND id = $2', [organizationId, id, status]);
  }

  async softDelete(organizationId: string, id: string): Promise<void> {
    await this.db.query("UPDATE connections SET deleted_at = now(), status = 'DISABLED', updated_at = now() WHERE organization_id = $1 AND id = $2", [organizationId, id]);
  }
}
