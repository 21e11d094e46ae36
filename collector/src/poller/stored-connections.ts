import type { CredentialVault } from '../security/envelope-crypto';
import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../stores/postgres/types';
import { credentialHint, type VendorEndpoint } from './connections';

export interface StoredConnection extends VendorEndpoint {
  id: string;
  organizationId: string;
}

const DEFAULT_BASE_URL = { OPENAI: 'https://api.openai.com/v1', ANTHROPIC: 'https://api.anthropic.com' } as const;

/**
 * A vendor connection kept in the control plane: the admin key sealed under the
 * organisation's data key, only a hint in clear. (The connections API uses this.)
 */
export async function storeConnection(db: SqlExecutor, vault: CredentialVault, c: { organizationId: string; vendor: 'OPENAI' | 'ANTHROPIC'; name: string; adminKey: string; baseUrl?: string | null }): Promise<string> {
  // The id is chosen first so the secret can be sealed to its row before the one insert.
  const id = randomUUID();
  const sealed = await vault.seal(c.organizationId, id, { adminKey: c.adminKey });
  await db.query(
    `INSERT INTO connections (id, organization_id, vendor, name, credentials_encrypted, credential_hint, base_url, status, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'PENDING', 'api')`,
    [id, c.organizationId, c.vendor, c.name, sealed, credentialHint(c.adminKey), c.baseUrl ?? null],
  );
  return id;
}

/**
 * Every stored connection still in use, with its secret opened for the connector. One that
 * this master key cannot open (the key changed) is reported and left unpolled, not fatal.
 */
export async function loadStoredConnections(db: SqlExecutor, vault: CredentialVault, onUnreadable: (id: string, err: Error) => void = () => undefined): Promise<StoredConnection[]> {
  const rows = await db.query<{ id: string; organization_id: string; vendor: 'OPENAI' | 'ANTHROPIC'; base_url: string | null; credentials_encrypted: Uint8Array }>(
    `SELECT id, organization_id, vendor, base_url, credentials_encrypted FROM connections
      WHERE source = 'api' AND deleted_at IS NULL AND status <> 'DISABLED' AND vendor IN ('OPENAI', 'ANTHROPIC') AND credentials_encrypted IS NOT NULL`,
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
    out.push({ id: r.id, organizationId: r.organization_id, vendor: r.vendor, adminKey, baseUrl: r.base_url ?? DEFAULT_BASE_URL[r.vendor] });
  }
  return out;
}
