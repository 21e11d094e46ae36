import type { CostRecord, TrackedCostDay } from '@ai-arm/schemas';
import { CONNECTOR_VENDORS, isConnectorVendor, vendorOfProvider, type ConnectorVendor } from '../connectors/registry';
import { vendorToProvider } from '../metrics/instruments.generated';
import { usdText, usdToAtto, type Atto } from './money';
import type { TelemetryReader } from './read-cache';
import type { CostQuery, CostService } from './service';


export interface DailyTracked {
  day: string;
  provider: string;
  /** Exact decimal text: the priced requests' cost summed. */
  usd: string;
  requests: number;
  /** Requests with no price (the model is not in the price book): counted, not in usd. */
  unpriced: number;
}

/**
 * The pushed requests' cost per day and provider, read once (FINAL: a request delivered twice
 * counts once). Whole days, as the bills are: a range within a day reads that whole day.
 */
export async function dailyTracked(db: TelemetryReader, q: Pick<CostQuery, 'organizationId' | 'from' | 'to' | 'vendor'>): Promise<DailyTracked[]> {
  // Pushed requests carry OTel's gen_ai.provider.name; bills come from the vendors the registry
  // connects to. Requests to any other provider have no bill to meet.
  const providers = CONNECTOR_VENDORS.filter((v) => !q.vendor || v === q.vendor).map(vendorToProvider);
  if (providers.length === 0) return [];
  return db.query<DailyTracked>(
    `SELECT toString(toDate(started_at)) AS day, provider, toString(ifNull(sum(cost_usd), 0)) AS usd, count() AS requests, countIf(cost_usd IS NULL) AS unpriced
       FROM {db:Identifier}.interactions FINAL
      WHERE organization_id = {org:UUID} AND provider IN {providers:Array(String)}
        AND started_at >= toDate(parseDateTimeBestEffort({from:String}, 'UTC')) AND started_at < toDate(parseDateTimeBestEffort({to:String}, 'UTC'))
      GROUP BY day, provider
      ORDER BY day, provider`,
    { org: q.organizationId, providers, from: q.from, to: q.to },
  );
}

export interface Reconciliation {
  /** Per day, vendor and project (CostService.reconcile). */
  records: CostRecord[];
  /** Per vendor and day: the bill beside what pushed requests account for. */
  tracked: TrackedCostDay[];
}

/**
 * The reconciliation with the tracked cost beside the computed and the billed: per vendor and
 * day, `untrackedCost` is the part of the bill no pushed request accounts for (zero when the
 * pushed requests cost as much or more; null until the day is billed). Reads the usage, the
 * bills and the pushed requests once each; all sums exact.
 */
export async function reconciliation(costs: Pick<CostService, 'reconcile' | 'telemetry'>, q: CostQuery): Promise<Reconciliation> {
  const [records, pushed] = await Promise.all([costs.reconcile(q), dailyTracked(costs.telemetry, q)]);
  type Acc = { date: string; vendor: ConnectorVendor; computed: Atto; billed: Atto | null; tracked: Atto; requests: number; unpriced: number };
  const days = new Map<string, Acc>();
  const at = (date: string, vendor: ConnectorVendor) => {
    const key = `${date}|${vendor}`;
    let d = days.get(key);
    if (!d) days.set(key, (d = { date, vendor, computed: 0n, billed: null, tracked: 0n, requests: 0, unpriced: 0 }));
    return d;
  };
  for (const r of records) {
    // Bills and usage of a vendor with no connector (none today) have no pushed requests to meet.
    if (!isConnectorVendor(r.vendor)) continue;
    const d = at(r.date, r.vendor);
    d.computed += usdToAtto(r.computedCost);
    if (r.billedCost !== null) d.billed = (d.billed ?? 0n) + usdToAtto(r.billedCost);
  }
  for (const p of pushed) {
    const d = at(p.day, vendorOfProvider(p.provider)!.vendor);
    d.tracked += usdToAtto(p.usd);
    d.requests += Number(p.requests);
    d.unpriced += Number(p.unpriced);
  }
  const tracked = [...days.values()]
    .sort((a, b) => a.date.localeCompare(b.date) || a.vendor.localeCompare(b.vendor))
    .map((d) => ({
      date: d.date,
      vendor: d.vendor,
      computedCost: usdText(d.computed),
      billedCost: d.billed === null ? null : usdText(d.billed),
      trackedCost: usdText(d.tracked),
      untrackedCost: d.billed === null ? null : usdText(d.billed > d.tracked ? d.billed - d.tracked : 0n),
      requests: d.requests,
      unpricedRequests: d.unpriced,
      currency: 'USD' as const,
    }));
  return { records, tracked };
}
