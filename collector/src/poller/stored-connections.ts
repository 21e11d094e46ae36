import type { CredentialVault } from '../security/envelope-crypto';
import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../stores/postgres/types';
import { ConnectionStore } from '../connections/store';
import { CONNECTOR_VENDORS, vendorSpec, type ConnectorVendor, type VendorEndpoint } from '../connectors/registry';
import { credentialHint } from './connections';
import { asSystem, asTenant } from '../stores/tenant-scope';

export interface StoredConnection extends VendorEndpoint {
  id: string;
  organizationId: string;
}

/**
 * Stores a vendor connection: the admin key sealed to the new row under the organisation's
 * data key, only a hint in clear (what the connections API does, outside its audit).
 */
export async function storeConnection(db: SqlExecutor, vault: CredentialVault, c: { organizationId: string; vendor: ConnectorVendor; name: string; adminKey: string; baseUrl?: string | null }): Promise<string> {
  // The id is chosen first so the secret can be sealed to its row before the one insert.
  const id = randomUUID();
  const sealed = await vault.seal(c.organizationId, id, { adminKey: c.adminKey });
  // For the organisation it names (inside a request, the request's own: a scope only narrows).
  await asTenant(c.organizationId, () => new ConnectionStore(db).create({ id, organizationId: c.organizationId, vendor: c.vendor, name: c.name, sealed, hint: credentialHint(c.adminKey), baseUrl: c.baseUrl ?? null, status: 'PENDING' }));
  return id;
}

/**
 * Every stored connection still in use, with its secret opened for the connector. One that
 * this master key cannot open (the key changed) is reported and left unpolled, not fatal.
 */
export async function loadStoredConnections(db: SqlExecutor, vault: CredentialVault, onUnreadable: (id: string, err: Error) => void = () => undefined): Promise<StoredConnection[]> {
  const rows = await asSystem('the poller starts every organisation\'s connections', () =>
    db.query<{ id: string; organization_id: string; vendor: ConnectorVendor; base_url: string | null; credentials_encrypted: Uint8Array }>(
      `SELECT id, organization_id, vendor, base_url, credentials_encrypted FROM connections
        WHERE source = 'api' AND deleted_at IS NULL AND status <> 'DISABLED' AND vendor = ANY($1::text[]) AND credentials_encrypted IS NOT NULL`,
      [CONNECTOR_VENDORS],
    ),
  );
  const out: StoredConnection[] = [];
  for (const r of rows) {
    let adminKey: string;
    try {
      ({ adminKey } = await vault.open<{ adminKey: string }>(r.organization_id, r.id, Buffer.from(r.credentials_encrypted)));
    } catch (err) {
      onUnreadable(r.id, err as Error);
      continue;
    }
    out.push({ id: r.id, organizationId: r.organization_id, vendor: r.vendor, adminKey, baseUrl: r.base_url ?? vendorSpec(r.vendor).defaultBaseUrl });
  }
  return out;
}
