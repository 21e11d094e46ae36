import type { SqlExecutor } from '../stores/postgres/types';
import { asSystem } from '../stores/tenant-scope';

export const DEFAULT_ORG_SLUG = 'default';

/** The organisation a fresh install works in; created on first start. */
export function ensureDefaultOrganization(db: SqlExecutor): Promise<string> {
  return asSystem('an organisation is created before it can scope anything', async () => {
    await db.query("INSERT INTO organizations (name, slug) VALUES ('Default organization', $1) ON CONFLICT (slug) DO NOTHING", [DEFAULT_ORG_SLUG]);
    const [row] = await db.query<{ id: string }>('SELECT id FROM organizations WHERE slug = $1', [DEFAULT_ORG_SLUG]);
    return row!.id;
  });
}
