import type { Vendor } from '@ai-arm/schemas';
import { vendorToProvider, type Instruments } from '../metrics/instruments.generated';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { toCents, usdToAtto, type Atto } from './money';
import { periodWindow } from './periods';
import type { CostService } from './service';

const KINDS = ['computed', 'billed', 'unpriced', 'unattributed', 'unexplained'] as const;
type Kind = (typeof KINDS)[number];

/**
 * Sets ai_arm_cost_month_to_date from the reconciliation of this calendar month, summed over
 * every organisation this collector serves (metrics carry no organisation label). Sums are
 * exact; the gauge rounds once, to the cent.
 */
export async function refreshMonthToDate(costs: CostService, controlPlane: ControlPlaneDb, metrics: Instruments, now: Date): Promise<void> {
  const { from, to } = periodWindow('MONTH', now);
  const orgs = await controlPlane.query<{ id: string }>('SELECT DISTINCT organization_id AS id FROM connections WHERE deleted_at IS NULL');
  const sums = new Map<Vendor, Record<Kind, Atto>>();
  for (const org of orgs) {
    for (const r of await costs.reconcile({ organizationId: org.id, from, to })) {
      const s = sums.get(r.vendor) ?? { computed: 0n, billed: 0n, unpriced: 0n, unattributed: 0n, unexplained: 0n };
      s.computed += usdToAtto(r.computedCost);
      s.billed += usdToAtto(r.billedCost ?? '0');
      s.unpriced += usdToAtto(r.unpricedCost);
      s.unattributed += usdToAtto(r.unattributedCost);
      s.unexplained += usdToAtto(r.unexplainedCost ?? '0');
      sums.set(r.vendor, s);
    }
  }
  metrics.costMonthToDate.clear();
  for (const [vendor, s] of sums) {
    for (const kind of KINDS) metrics.costMonthToDate.set(Number(toCents(s[kind])) / 100, { gen_ai_provider_name: vendorToProvider(vendor), cost_kind: kind });
  }
}
