import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { hasRole } from '../../roles';

export const TABS = [
  { value: 'policies', label: 'Policies', role: 'Viewer' },
  { value: 'violations', label: 'Violations', role: 'Viewer' },
  { value: 'audit', label: 'Audit log', role: 'Admin' },
  { value: 'report', label: 'Report', role: 'Admin' },
] as const;
export type Tab = (typeof TABS)[number]['value'];

export interface GovernanceView {
  tab: Tab;
  /** The policy open below the list: its id, or `new` for the create form. */
  policy?: string;
  /** The violation open below the table. */
  violation?: string;
}

/** The tabs this user's role can use: the audit log and the report are Admins' (their routes need it). */
export const tabsFor = () => TABS.filter((t) => hasRole(t.role));

/**
 * Which tab, policy and violation are open live in the URL, so a link to a violation (or a policy)
 * can be shared. A tab the role cannot use, or an unknown one, falls back to the policies.
 */
export function useGovernanceView(): [GovernanceView, (next: GovernanceView) => void] {
  const [search, setSearch] = useSearchParams();
  const view = useMemo<GovernanceView>(() => {
    const tab = tabsFor().find((t) => t.value === search.get('tab'))?.value ?? 'policies';
    return { tab, policy: search.get('policy') ?? undefined, violation: search.get('violation') ?? undefined };
  }, [search]);
  const update = useCallback(
    (next: GovernanceView) =>
      setSearch(() => {
        const params = new URLSearchParams();
        if (next.tab !== 'policies') {
          params.set('tab', next.tab);
        }
        if (next.policy) {
          params.set('policy', next.policy);
        }
        if (next.violation) {
          params.set('violation', next.violation);
        }
        return params;
      }),
    [setSearch]
  );
  return [view, update];
}
