import type { Organization } from '@ai-arm/schemas';
import type { SqlExecutor } from '../stores/postgres/types';

interface Row {
  id: string;
  name: string;
  slug: string;
  settings: Record<string, unknown>;
  content_capture: boolean;
  created_at: Date;
  updated_at: Date;
}

const toOrganization = (r: Row): Organization => ({ id: r.id, name: r.name, slug: r.slug, settings: r.settings, contentCapture: r.content_capture, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() });

/** The organisation record itself: its name and settings. */
export class OrganizationStore {
  constructor(private readonly db: SqlExecutor) {}

  async get(id: string): Promise<Organization | null> {
    const [row] = await this.db.query<Row>('SELECT * FROM organizations WHERE id = $1', [id]);
    return row ? toOrganization(row) : null;
  }

  /** A new name or new settings (replacing the old ones whole); what is not given stays. */
  async update(id: string, p: { name?: string; settings?: Record<string, unknown>; contentCapture?: boolean }): Promise<Organization | null> {
    const [row] = await this.db.query<Row>('UPDATE organizations SET name = coalesce($2, name), settings = coalesce($3, settings), content_capture = coalesce($4, content_capture), updated_at = now() WHERE id = $1 RETURNING *', [
      id, p.name ?? null, p.settings ? JSON.stringify(p.settings) : null, p.contentCapture ?? null,
    ]);
    return row ? toOrganization(row) : null;
  }
}
