import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

export const TABS = [
  { value: 'agents', label: 'Agents' },
  { value: 'alerts', label: 'Alerts' },
  { value: 'settings', label: 'Settings' },
] as const;
export type Tab = (typeof TABS)[number]['value'];

/** The parts of one agent's quality. */
export const SECTIONS = [
  { value: 'trends', label: 'Trends' },
  { value: 'drift', label: 'Drift' },
  { value: 'grounding', label: 'Grounding' },
  { value: 'feedback', label: 'Feedback' },
  { value: 'alerts', label: 'Agent alerts' },
  { value: 'settings', label: 'Agent settings' },
] as const;
export type AgentSection = (typeof SECTIONS)[number]['value'];

export interface QualityView {
  tab: Tab;
  /** The agent open on the Agents tab (none: the report across agents). */
  agent?: string;
  section: AgentSection;
  /** The drift event expanded, with its sample requests. */
  event?: string;
  /** The grounding check open, with its response highlighted. */
  check?: string;
}

const KEYS = ['agent', 'event', 'check'] as const;

/**
 * Which tab, agent, section, drift event and grounding check are open live in the URL, so a link
 * to one drift event or one finding can be shared. Unknown values fall back to the defaults.
 */
export function useQualityView(): [QualityView, (next: Partial<QualityView>) => void] {
  const [search, setSearch] = useSearchParams();
  const view = useMemo<QualityView>(() => {
    const tab = TABS.find((t) => t.value === search.get('tab'))?.value ?? 'agents';
    const section = SECTIONS.find((s) => s.value === search.get('section'))?.value ?? 'trends';
    const rest = Object.fromEntries(KEYS.map((k) => [k, search.get(k) ?? undefined]));
    return { tab, section, ...rest };
  }, [search]);
  const update = useCallback(
    (next: Partial<QualityView>) =>
      setSearch(() => {
        const v: QualityView = { tab: 'agents', section: 'trends', ...next };
        const params = new URLSearchParams();
        if (v.tab !== 'agents') {
          params.set('tab', v.tab);
        }
        if (v.agent) {
          params.set('agent', v.agent);
          if (v.section !== 'trends') {
            params.set('section', v.section);
          }
        }
        for (const k of ['event', 'check'] as const) {
          if (v[k]) {
            params.set(k, v[k]);
          }
        }
        return params;
      }),
    [setSearch]
  );
  return [view, update];
}
