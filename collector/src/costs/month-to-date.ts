import type { Vendor } from '@ai-arm/schemas';
import { vendorToProvider, type Instruments } from '../metrics/instruments.generated';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { periodWindow } from './periods';
import type { CostService } from './service';

const KINDS = ['computed', 'billed', 'unpriced', 'unattributed'] as const;

/**
 * Sets ai_arm_cost_month_to_date from the reconciliation of this calendar month, summed over
 * every organisation this collector serves (metrics carry no organisation label).
 */
export async function refreshMonthToDate(costs: CostService, controlPlane: ControlPlaneDb, metrics: Instruments, now: Date): Promise<void> {
  const { from, to } = periodWindow('MONTH', now);
  const orgs = await controlPlane.query<{ id: string }>('SELECT DISTINCT organization_id AS id FROM connections WHERE deleted_at IS NULL');
  const sums = new Map<Vendor, Record<(typeof KINDS)[number], number>>();
  for (const org of orgs) {
    for (const r of await costs.reconcile({ organizationId: org.id, from, to })) {
      const s = sums.get(r.vendor) ?? { computed: 0, billed: 0, unpriced: 0, unattributed: 0 };
      s.computed += Number(r.computedCost);
      s.billed += Number(r.billedCost ?? 0);
      s.unpriced += Number(r.unpricedCost);
      s.unattributed += Number(r.unattributedCost);
      sums.set(r.vendor, s);
    }
  }
  metrics.costMonthToDate.clear();
  for (const [vendor, s] of sums) {
    for (const kind of KINDS) metrics.costMonthToDate.set(Math.round(s[kind] * 100) / 100, { gen_ai_provider_name: vendorToProvider(vendor), cost_kind: kind });
  }
}
