import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { daysAgo } from '../../format';

export const RANGES = [7, 30, 90] as const;
export const BREAKDOWNS = ['agent', 'model', 'vendor', 'project'] as const;
export type BreakdownBy = (typeof BREAKDOWNS)[number];

export interface CostView {
  by: BreakdownBy;
  /** The range in days, today included. */
  days: number;
}

// The collector's own defaults, so a page without parameters asks for what it would get anyway.
const DEFAULT: CostView = { by: 'agent', days: 30 };

/** The range the collector takes for the last `days` days: whole UTC days, both ends inclusive. */
export const rangeParams = (days: number) => ({ from: daysAgo(days - 1), to: daysAgo(0) });

/**
 * The breakdown dimension and the range live in the URL, so a view of the costs can be shared
 * and survives a reload. Anything not offered falls back to the default rather than to an error.
 */
export function useCostView(): [CostView, (change: Partial<CostView>) => void] {
  const [search, setSearch] = useSearchParams();
  const view = useMemo<CostView>(() => {
    const by = search.get('by');
    const days = Number(search.get('days'));
    return {
      by: BREAKDOWNS.find((b) => b === by) ?? DEFAULT.by,
      days: RANGES.find((r) => r === days) ?? DEFAULT.days,
    };
  }, [search]);
  const update = useCallback(
    (change: Partial<CostView>) =>
      setSearch((prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(change)) {
          if (v === undefined || v === DEFAULT[k as keyof CostView]) {
            next.delete(k);
          } else {
            next.set(k, String(v));
          }
        }
        return next;
      }),
    [setSearch]
  );
  return [view, update];
}
