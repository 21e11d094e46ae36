import type { Connection } from '@ai-arm/schemas';
import type { ConnectorVendor } from '../connectors/registry';
import type { VendorAccount } from '../connectors/types';
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
  account_id: string | null;
  account_name: string | null;
  created_at: Date;
  updated_at: Date;
  last_success: Date | null;
  last_failure: Date | null;
  last_error: string | null;
}

// Sync state comes from the poller's feed watermarks: the newest success, and the newest
// error when it is more recent than that.
const SELECT = `
  SELECT c.id, c.organization_id, c.vendor, c.name, c.status, c.credential_hint, c.base_url, c.source, c.account_id, c.account_name, c.created_at, c.updated_at,
         w.last_success, w.last_failure, w.last_error
    FROM connections c
    LEFT JOIN LATERAL (
      SELECT max(last_success_at) AS last_success,
             max(updated_at) FILTER (WHERE last_error IS NOT NULL) AS last_failure,
             (array_agg(last_error ORDER BY updated_at DESC) FILTER (WHERE last_error IS NOT NULL))[1] AS last_error
        FROM poll_watermarks WHERE connection_id = c.id) w ON true`;

export type ConnectionView = Connection & { source: string };

const toConnection = (r: Row): ConnectionView => {
  const failing = r.last_error !== null && (!r.last_success || (r.last_failure !== null && r.last_failure > r.last_success));
  return {
    id: r.id,
    organizationId: r.organization_id,
    vendor: r.vendor,
    name: r.name,
    status: r.status === 'DISABLED' ? 'DISABLED' : failing ? 'ERROR' : r.last_success ? 'CONNECTED' : r.status,
    credentialHint: r.credential_hint,
    baseUrl: r.base_url,
    account: r.account_id === null ? null : { id: r.account_id, name: r.account_name },
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

  async list(organizationId: string): Promise<ConnectionView[]> {
    return (await this.db.query<Row>(`${SELECT} WHERE c.organization_id = $1 AND c.deleted_at IS NULL ORDER BY c.created_at, c.id`, [organizationId])).map(toConnection);
  }

  async get(organizationId: string, id: string): Promise<ConnectionView | null> {
    const [row] = await this.db.query<Row>(`${SELECT} WHERE c.organization_id = $1 AND c.id = $2 AND c.deleted_at IS NULL`, [organizationId, id]);
    return row ? toConnection(row) : null;
  }

  /** The admin key arrives sealed to the new row's id (CredentialVault.seal); only a hint stays in clear. */
  async create(c: { id: string; organizationId: string; vendor: ConnectorVendor; name: string; sealed: Buffer; hint: string; baseUrl: string | null; status: Connection['status']; account?: VendorAccount | null }): Promise<void> {
    await this.db.query(
      `INSERT INTO connections (id, organization_id, vendor, name, credentials_encrypted, credential_hint, base_url, status, source, account_id, account_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'api', $9, $10)`,
      [c.id, c.organizationId, c.vendor, c.name, c.sealed, c.hint, c.baseUrl, c.status, c.account?.id ?? null, c.account?.name ?? null],
    );
  }

  /**
   * The live connection already reading this vendor account, if any (the oldest). Called in the
   * transaction that adds or re-keys a connection, after lockOrganization, so two requests at
   * once cannot both find none.
   */
  async holderOf(organizationId: string, vendor: string, accountId: string, exceptId: string | null = null): Promise<ConnectionView | null> {
    const [row] = await this.db.query<Row>(
      `${SELECT} WHERE c.organization_id = $1 AND c.vendor = $2 AND c.account_id = $3 AND c.deleted_at IS NULL AND ($4::uuid IS NULL OR c.id <> $4::uuid) ORDER BY c.created_at, c.id LIMIT 1`,
      [organizationId, vendor, accountId, exceptId],
    );
    return row ? toConnection(row) : null;
  }

  /** Serialises changes to an organisation's connections until the transaction ends. */
  async lockOrganization(organizationId: string): Promise<void> {
    await this.db.query('SELECT id FROM organizations WHERE id = $1 FOR UPDATE', [organizationId]);
  }

  /**
   * A new name, or a new admin key (sealed to the same row, null to keep it) and base URL with
   * the account it reads; watermarks, agents and history stay with the id.
   */
  async rekey(organizationId: string, id: string, c: { sealed: Buffer | null; hint: string | null; baseUrl: string | null; name: string; account: VendorAccount | null }): Promise<void> {
    await this.db.query(
      `UPDATE connections SET credentials_encrypted = coalesce($3, credentials_encrypted), credential_hint = coalesce($4, credential_hint), base_url = $5, name = $6,
              account_id = coalesce($7, account_id), account_name = coalesce($8, account_name),
              status = CASE WHEN $3::bytea IS NULL THEN status ELSE 'CONNECTED' END, updated_at = now()
        WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [organizationId, id, c.sealed, c.hint, c.baseUrl, c.name, c.account?.id ?? null, c.account?.name ?? null],
    );
  }

  /** What the vendor said about the account, for a connection made before accounts were recorded (or from the environment). */
  async recordAccount(organizationId: string, id: string, account: VendorAccount): Promise<void> {
    await this.db.query('UPDATE connections SET account_id = $3, account_name = $4 WHERE organization_id = $1 AND id = $2 AND account_id IS DISTINCT FROM $3', [organizationId, id, account.id, account.name]);
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
