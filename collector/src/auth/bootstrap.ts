import { appendAudit } from '../audit/log';
import type { KeyRole } from '@ai-arm/schemas';
import type { ControlPlaneDb, SqlExecutor } from '../stores/postgres/types';
import { systemPrincipal } from './principal';
import { ApiKeyStore } from './store';
import { apiKeyParts, newApiKey } from './tokens';
import { asSystem } from '../stores/tenant-scope';

/**
 * The first way in. With ARM_BOOTSTRAP_API_KEY set, that key is an admin key of the default
 * organisation (created once; revoking it sticks). Without it, an organisation with no keys
 * and no users gets an admin key, returned here so the caller prints it once; it is never
 * stored or shown again.
 */
export async function ensureBootstrapKey(db: ControlPlaneDb, organizationId: string, configured: string | null): Promise<string | null> {
  // Across organisations: a configured key must be new to all of them.
  return asSystem('startup issues the first keys', () => db.transaction(async (tx) => {
    const keys = new ApiKeyStore(tx);
    const ctx = { principal: systemPrincipal(organizationId), ipAddress: null, userAgent: null, requestId: 'bootstrap' };
    if (configured) {
      await acceptKey(tx, organizationId, configured, 'admin', 'bootstrap (ARM_BOOTSTRAP_API_KEY)');
      return null;
    }
    const [seen] = await tx.query<{ n: number }>('SELECT (SELECT count(*) FROM api_keys WHERE organization_id = $1) + (SELECT count(*) FROM users WHERE organization_id = $1) AS n', [organizationId]);
    if (Number(seen?.n ?? 0) > 0) return null;
    const { apiKey, key } = await keys.create(organizationId, 'bootstrap', 'admin', null, newApiKey());
    await appendAudit(tx, ctx, { action: 'api_key.create', resourceType: 'api_key', resourceId: apiKey.id, after: apiKey });
    return key;
  }));
}

/** A key given in the environment becomes a key of `role` once; revoking it sticks. */
async function acceptKey(tx: SqlExecutor, organizationId: string, configured: string, role: KeyRole, name: string): Promise<void> {
  const keys = new ApiKeyStore(tx);
  const given = apiKeyParts(configured);
  if (await keys.exists(given.hash)) return;
  const { apiKey } = await keys.create(organizationId, name, role, null, given);
  const ctx = { principal: systemPrincipal(organizationId), ipAddress: null, userAgent: null, requestId: 'bootstrap' };
  await appendAudit(tx, ctx, { action: 'api_key.create', resourceType: 'api_key', resourceId: apiKey.id, after: apiKey });
}

/**
 * ARM_BOOTSTRAP_GRAFANA_KEY: a key of the `grafana` role for the default organisation, so a
 * deployment can provision the Grafana app with a key that reaches only what the app calls.
 * Called after ensureBootstrapKey, so it never stands in the way of the first admin key.
 */
export function ensureGrafanaKey(db: ControlPlaneDb, organizationId: string, configured: string): Promise<void> {
  return asSystem('startup issues the first keys', () => db.transaction((tx) => acceptKey(tx, organizationId, configured, 'grafana', 'Grafana app (ARM_BOOTSTRAP_GRAFANA_KEY)')));
}

export const bootstrapBanner = (key: string, url: string) =>
  [
    '',
    'AI-ARM created an admin API key for the default organisation. It is shown this once; keep it:',
    '',
    `    ${key}`,
    '',
    `Send it as "Authorization: Bearer <key>" (curl -H "Authorization: Bearer ${apiKeyParts(key).prefix}" ${url}/api/auth/me).`,
    'Create keys and users with POST /api/v1/api-keys and /api/v1/users, then revoke this one. Lost it? Set ARM_BOOTSTRAP_API_KEY.',
    '',
  ].join('\n');
