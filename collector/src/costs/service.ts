import { createHash } from 'node:crypto';
import type { CostRecord, PriceTable } from '@ai-arm/schemas';
import type { TelemetryDb } from '../stores/clickhouse/client';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { AttributionStore } from './attribution';
import { priceUsage, type LedgerCell } from './ledger';
import { indexRules, type MeterContext } from './live-usage';
import { usdText, usdToAtto, type Atto } from './money';
import { PriceBook } from './price-book';
import { unpricedBillLine } from './pricing';
import { PriceOverrideStore, type StoredOverride } from './price-overrides';
import { TelemetryReadCache } from './read-cache';
import { dailyBilled, dailyUsage, type DailyBilled, type Dimension } from './usage-query';

export interface CostQuery {
  organizationId: string;
  /** YYYY-MM-DD, inclusive. */
  from: string;
  /** YYYY-MM-DD, exclusive. */
  to: string;
  vendor?: string;
  agentId?: string;
}

/** A stable id for a computed record, so the same day and project read twice carry the same id. */
export const recordId = (...parts: string[]) => {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/**
 * The cost engine: the vendors' stored usage, priced with the organisation's price book
 * and attributed with its rules when read, beside the vendors' bills.
 */
export class CostService {
  readonly attribution: AttributionStore;
  readonly overrides: PriceOverrideStore;
  readonly telemetry: TelemetryDb;
  /** Usage and bills read again only when the stored ones changed, for reads asked again and again (the summary). */
  readonly reads: TelemetryReadCache;

  constructor(
    private readonly stores: { controlPlane: ControlPlaneDb; telemetry: TelemetryDb },
    private readonly table: PriceTable,
  ) {
    this.telemetry = stores.telemetry;
    this.reads = new TelemetryReadCache(stores.telemetry, ['vendor_usage', 'vendor_costs']);
    this.attribution = new AttributionStore(stores.controlPlane);
    this.overrides = new PriceOverrideStore(stores.controlPlane);
  }

  /** An override that cannot price (its `error` says why) is left out: the list price applies, and nothing else fails. */
  async priceBook(organizationId: string, overrides?: StoredOverride[]): Promise<PriceBook> {
    return new PriceBook(this.table, (overrides ?? (await this.overrides.list(organizationId))).filter((o) => !o.error));
  }

  /** What the live usage meter needs of an organisation: its prices, the overrides left out of them, and its attribution. */
  async meterContext(organizationId: string): Promise<MeterContext> {
    const overrides = await this.overrides.list(organizationId);
    return {
      book: await this.priceBook(organizationId, overrides),
      rejectedOverrides: overrides.filter((o) => o.error),
      attribution: indexRules(await this.attribution.list(organizationId)),
    };
  }

  /** Priced usage per vendor, model and day, split by `by`; `cached` reads the usage through `reads`. */
  async ledger(q: CostQuery, by: Dimension, book?: PriceBook, grain: 'day' | 'hour' = 'day', cached = false): Promise<LedgerCell[]> {
    const rules = await this.attribution.list(q.organizationId);
    // Attribution is decided per usage row, so one agent's cells are read the way the full
    // breakdown reads them, then kept.
    const { agentId, ...all } = q;
    const dim = agentId ? 'agent' : by;
    const rows = await dailyUsage(cached ? this.reads : this.stores.telemetry, { ...all, by: dim, rules, grain });
    const cells = priceUsage(rows, book ?? (await this.priceBook(q.organizationId)));
    return agentId ? cells.filter((c) => c.dim === agentId) : cells;
  }

  /**
   * Computed cost beside the bill per day, vendor and project, with the bill's gap over the
   * cost attributed to agents split three ways: `unpricedCost` is what the bill charges for
   * lines the price book cannot price (model, token type, tier or context window on that day;
   * the reasons say which), `unattributedCost` is computed cost no attribution rule assigns to
   * an agent, and `unexplainedCost` is what is left of the bill once the computed and the
   * unpriced cost are taken from it (null until the day is billed). All exact; nothing rounded.
   */
  async reconcile(q: CostQuery): Promise<CostRecord[]> {
    return reconcile(this, q);
  }

  /** The vendors' bills per day, project and line over the query's days. */
  billed(q: CostQuery): Promise<DailyBilled[]> {
    return dailyBilled(this.stores.telemetry, q);
  }
}

/** What a reconciliation reads: the cost engine, or one refresh's snapshot of it. */
export interface ReconcileReader {
  priceBook(organizationId: string): Promise<PriceBook>;
  ledger(q: CostQuery, by: Dimension, book?: PriceBook): Promise<LedgerCell[]>;
  billed(q: CostQuery): Promise<DailyBilled[]>;
}

/** See CostService.reconcile. */
export async function reconcile(reader: ReconcileReader, q: CostQuery): Promise<CostRecord[]> {
  const book = await reader.priceBook(q.organizationId);
  const [cells, billed] = await Promise.all([reader.ledger(q, 'project_agent', book), reader.billed(q)]);
  type Acc = { vendor: string; day: string; project: string; computed: Atto; billed: Atto; unpriced: Atto; unattributed: Atto; reasons: Set<string>; hasBill: boolean };
  const records = new Map<string, Acc>();
  const at = (day: string, vendor: string, project: string) => {
    const key = `${day}|${vendor}|${project}`;
    let r = records.get(key);
    if (!r) records.set(key, (r = { vendor, day, project, computed: 0n, billed: 0n, unpriced: 0n, unattributed: 0n, reasons: new Set(), hasBill: false }));
    return r;
  };
  for (const c of cells) {
    const [project, agent] = splitProjectAgent(c.dim);
    const r = at(c.day, c.vendor, project);
    r.computed += c.cost;
    if (agent === '') r.unattributed += c.cost;
    if (c.unpricedReason) r.reasons.add(c.unpricedReason);
  }
  for (const b of billed) {
    const r = at(b.day, b.vendor, b.project_id);
    const amount = usdToAtto(b.usd);
    r.billed += amount;
    r.hasBill = true;
    const why = unpricedBillLine(book, b);
    if (why !== null) {
      r.unpriced += amount;
      r.reasons.add(why);
    }
  }
  return [...records.values()]
    .sort((a, b) => a.day.localeCompare(b.day) || a.vendor.localeCompare(b.vendor) || a.project.localeCompare(b.project))
    .map((r) => ({
      id: recordId(q.organizationId, r.day, r.vendor, r.project),
      organizationId: q.organizationId,
      vendor: r.vendor as CostRecord['vendor'],
      date: r.day,
      projectId: r.project || null,
      model: null,
      computedCost: usdText(r.computed),
      billedCost: r.hasBill ? usdText(r.billed) : null,
      unpricedCost: usdText(r.unpriced),
      unattributedCost: usdText(r.unattributed),
      unexplainedCost: r.hasBill ? usdText(r.billed - r.computed - r.unpriced) : null,
      unpricedReasons: [...r.reasons].sort(),
      currency: 'USD',
    }));
}

/** The reconciliation's dimension carries project and agent together. */
export const PROJECT_AGENT_SEPARATOR = '\t';
const splitProjectAgent = (dim: string) => {
  const i = dim.indexOf(PROJECT_AGENT_SEPARATOR);
  return [dim.slice(0, i), dim.slice(i + 1)] as const;
};
