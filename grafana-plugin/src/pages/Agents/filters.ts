import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

export interface AgentFilters {
  vendor?: string;
  status?: string;
  type?: string;
  q?: string;
  /** The collector's cursor for the page shown; absent on the first page. */
  cursor?: string;
}

const KEYS = ['vendor', 'status', 'type', 'q', 'cursor'] as const;

/**
 * Filter state lives in the URL, so a filtered list can be shared, bookmarked and restored with
 * the back button. Changing a filter returns to the first page.
 */
export function useAgentFilters(): [AgentFilters, (change: Partial<AgentFilters>) => void] {
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(
    () => Object.fromEntries(KEYS.map((k) => [k, search.get(k) ?? undefined]).filter(([, v]) => v)) as AgentFilters,
    [search]
  );
  const update = useCallback(
    (change: Partial<AgentFilters>) => {
      setSearch(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(change)) {
            if (v) {
              next.set(k, v);
            } else {
              next.delete(k);
            }
          }
          if (!('cursor' in change)) {
            next.delete('cursor');
          }
          return next;
        },
        { replace: 'q' in change }
      );
    },
    [setSearch]
  );
  return [filters, update];
}
