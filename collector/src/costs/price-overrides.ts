import type { PriceOverrideEntry, Vendor } from '@ai-arm/schemas';
import type { SqlExecutor } from '../stores/postgres/types';
import type { PriceOverride } from './price-book';

export interface StoredOverride extends PriceOverride {
  id: string;
  note: string | null;
  createdAt: string;
}

/**
 * Contract rates an organisation set; each replaces the list price from its effective date.
 * Stored as sent: the rates it leaves out are inherited when the price book is built, from the
 * list row in force on its date (PriceBook.inherit), so a corrected list corrects them too.
 */
export class PriceOverrideStore {
  constructor(private readonly db: SqlExecutor) {}

  async list(organizationId: string): Promise<StoredOverride[]> {
    const rows = await this.db.query<{ id: string; vendor: Vendor; model: string; entry: PriceOverrideEntry; note: string | null; created_at: Date }>(
      'SELECT id, vendor, model, entry, note, created_at FROM price_overrides WHERE organization_id = $1 ORDER BY vendor, model, effective_from',
      [organizationId],
    );
    return rows.map((r) => ({ id: r.id, vendor: r.vendor, model: r.model, entry: r.entry, note: r.note, createdAt: r.created_at.toISOString() }));
  }

  /** Sets the rate of a model from a date; setting the same model and date again replaces it. */
  async put(organizationId: string, o: PriceOverride & { note?: string }): Promise<StoredOverride> {
    const [row] = await this.db.query<{ id: string; created_at: Date }>(
      `INSERT INTO price_overrides (organization_id, vendor, model, effective_from, entry, note) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (organization_id, vendor, model, effective_from) DO UPDATE SET entry = EXCLUDED.entry, note = EXCLUDED.note, created_at = now()
       RETURNING id, created_at`,
      [organizationId, o.vendor, o.model, o.entry.effective_from, JSON.stringify(o.entry), o.note ?? null],
    );
    return { ...o, note: o.note ?? null, id: row!.id, createdAt: row!.created_at.toISOString() };
  }

  async remove(organizationId: string, id: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM price_overrides WHERE organization_id = $1 AND id = $2 RETURNING id', [organizationId, id]);
    return rows.length > 0;
  }
}
