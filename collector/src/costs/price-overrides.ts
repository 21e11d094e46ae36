import { PRICED_TIERS, PriceOverrideEntry, RATE_MONEY, type Vendor } from '@ai-arm/schemas';
import { Value } from '@sinclair/typebox/value';
import type { SqlExecutor } from '../stores/postgres/types';
import { moneyText } from './money';
import type { PriceOverride } from './price-book';

export interface StoredOverride extends PriceOverride {
  id: string;
  note: string | null;
  createdAt: string;
  /**
   * Why this override cannot price (one stored before rates were checked on the way in): it is
   * left out of the price book, so the list price applies, and listed with this to be replaced.
   */
  error?: string;
}

const RATE_KEYS = ['input', 'cached_input', 'cache_write_5m', 'cache_write_1h', 'output'] as const;

/**
 * What is wrong with an override's entry, each with its path (`entry/tiers/flex/input`): rates
 * the exact money cannot hold (more than 12 decimals, exponent form, $1 a token or more) and an
 * effective date that is not a day of the calendar.
 */
export function overrideProblems(entry: PriceOverrideEntry): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const day = entry.effective_from;
  const parsed = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day || day < '2000-01-01') {
    problems.push({ field: 'entry/effective_from', message: `${day} is not a calendar day from 2000-01-01 on` });
  }
  const rates = (r: Partial<Record<(typeof RATE_KEYS)[number], unknown>> | undefined, path: string) => {
    for (const k of RATE_KEYS) {
      if (r?.[k] === undefined) continue;
      try {
        moneyText(r[k], RATE_MONEY);
      } catch (err) {
        problems.push({ field: `${path}${k}`, message: `USD per million tokens ${(err as Error).message}` });
      }
    }
  };
  rates(entry, 'entry/');
  rates(entry.long_context, 'entry/long_context/');
  for (const tier of PRICED_TIERS) rates(entry.tiers?.[tier], `entry/tiers/${tier}/`);
  return problems;
}

/** Why a stored entry cannot price, or undefined when it can. */
function storedProblem(entry: unknown): string | undefined {
  const shape = Value.Errors(PriceOverrideEntry, entry).First();
  if (shape) return `entry${shape.path} ${shape.message}`;
  const [first] = overrideProblems(entry as PriceOverrideEntry);
  return first && `${first.field} ${first.message}`;
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
    return rows.map((r) => {
      const error = storedProblem(r.entry);
      return { id: r.id, vendor: r.vendor, model: r.model, entry: r.entry, note: r.note, createdAt: r.created_at.toISOString(), ...(error ? { error } : {}) };
    });
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
