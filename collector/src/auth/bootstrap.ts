import { appendAudit } from '../audit/log';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { systemPrincipal } from './principal';
import { ApiKeyStore } from './store';
import { apiKeyParts, newApiKey } from './tokens';

/**
 * The first way in. With ARM_BOOTSTRAP_API_KEY set, that key is an admin key of the default
 * organisation (created once; revoking it sticks). Without it, an organisation with no keys
 * and no users gets an admin key, returned here so the caller prints it once; it is never
 * stored or shown again.
 */
export async function ensureBootstrapKey(db: ControlPlaneDb, organizationId: string, configured: string | null): Promise<string | null> {
  return db.transaction(async (tx) => {
    const keys = new ApiKeyStore(tx);
    const ctx = { principal: systemPrincipal(organizationId), ipAddress: null, userAgent: null, requestId: 'bootstrap' };
    if (configured) {
      const given = apiKeyParts(configured);
      if (await keys.exists(given.hash)) return null;
      const { apiKey } = await keys.create(organizationId, 'bootstrap (ARM_BOOTSTRAP_API_KEY)', 'admin', null, given);
      await appendAudit(tx, ctx, { action: 'api_key.create', resourceType: 'api_key', resourceId: apiKey.id, after: apiKey });
      return null;
    }
    const [seen] = await tx.query<{ n: number }>('SELECT (SELECT count(*) FROM api_keys WHERE organization_id = $1) + (SELECT count(*) FROM users WHERE organization_id = $1) AS n', [organizationId]);
    if (Number(seen?.n ?? 0) > 0) return null;
    const { apiKey, key } = await keys.create(organizationId, 'bootstrap', 'admin', null, newApiKey());
    await appendAudit(tx, ctx, { action: 'api_key.create', resourceType: 'api_key', resourceId: apiKey.id, after: apiKey });
    return key;
  });
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
