import type { Vendor } from '@ai-arm/schemas';
import { vendorToProvider, type Instruments } from '../metrics/instruments.generated';
import { toCents, usdToAtto, type Atto } from './money';
import { periodWindow } from './periods';
import type { CostService } from './service';

/** The reconciliation as the cost engine or one refresh's snapshot computes it. */
type Reconciler = Pick<CostService, 'reconcile'>;

const KINDS = ['computed', 'billed', 'unpriced', 'unattributed', 'unexplained'] as const;
type Kind = (typeof KINDS)[number];

/**
 * Sets an organisation's ai_arm_cost_month_to_date series from the reconciliation of this
 * calendar month; the other organisations' series are left as they are. Sums are exact; the
 * gauge rounds once, to the cent.
 */
export async function refreshMonthToDate(costs: Reconciler, metrics: Instruments, organizationId: string, now: Date): Promise<void> {
  const { from, to } = periodWindow('MONTH', now);
  const sums = new Map<Vendor, Record<Kind, Atto>>();
  for (const r of await costs.reconcile({ organizationId, from, to })) {
    const s = sums.get(r.vendor) ?? { computed: 0n, billed: 0n, unpriced: 0n, unattributed: 0n, unexplained: 0n };
    s.computed += usdToAtto(r.computedCost);
    s.billed += usdToAtto(r.billedCost ?? '0');
    s.unpriced += usdToAtto(r.unpricedCost);
    s.unattributed += usdToAtto(r.unattributedCost);
    s.unexplained += usdToAtto(r.unexplainedCost ?? '0');
    sums.set(r.vendor, s);
  }
  // Cleared and set with no await between, so a scrape never sees the organisation half done.
  metrics.costMonthToDate.clear({ organization_id: organizationId });
  for (const [vendor, s] of sums) {
    for (const kind of KINDS) metrics.costMonthToDate.set(Number(toCents(s[kind])) / 100, { organization_id: organizationId, gen_ai_provider_name: vendorToProvider(vendor), cost_kind: kind });
  }
}
