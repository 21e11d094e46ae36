import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

export const TABS = [
  { value: 'search', label: 'Search' },
  { value: 'browse', label: 'Browse' },
  { value: 'move', label: 'Export, import, transfer' },
  { value: 'preferences', label: 'Preferences' },
] as const;
export type Tab = (typeof TABS)[number]['value'];

export interface ContextView {
  tab: Tab;
  /** The agent open on Browse and Preferences. */
  agent?: string;
}

/**
 * The tab and the agent open live in the URL, so a link to one agent's context or preferences can
 * be shared. An unknown tab falls back to Search.
 */
export function useContextView(): [ContextView, (next: Partial<ContextView>) => void] {
  const [search, setSearch] = useSearchParams();
  const view = useMemo<ContextView>(
    () => ({
      tab: TABS.find((t) => t.value === search.get('tab'))?.value ?? 'search',
      agent: search.get('agent') ?? undefined,
    }),
    [search]
  );
  const update = useCallback(
    (next: Partial<ContextView>) =>
      setSearch((prev) => {
        const v: ContextView = {
          tab: (prev.get('tab') as Tab | null) ?? 'search',
          agent: prev.get('agent') ?? undefined,
          ...next,
        };
        const params = new URLSearchParams();
        if (v.tab !== 'search') {
          params.set('tab', v.tab);
        }
        if (v.agent) {
          params.set('agent', v.agent);
        }
        return params;
      }),
    [setSearch]
  );
  return [view, update];
}
