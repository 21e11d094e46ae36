import React from 'react';
import { TabbedPage } from '../../components/shared/TabbedPage';
import { Browse } from './Browse';
import { Portability } from './Portability';
import { Preferences } from './Preferences';
import { Search } from './Search';
import { TABS, useContextView } from './view';

/**
 * The context vault: what agents learnt from their interactions (facts, preferences,
 * instructions, intents). Search across agents by meaning; browse one agent's context by type and
 * validity; export, import and transfer it across vendors, previewed first; its preferences, and
 * (Admins) written into its instructions at the vendor. Viewers read; Editors add, edit, delete
 * and move context; Admins inject and undo.
 */
function ContextPage() {
  const [view, setView] = useContextView();
  const onAgent = (agent: string | undefined) => setView({ agent });
  return (
    <TabbedPage tabs={TABS} tab={view.tab} onTab={(tab) => setView({ tab })}>
      {view.tab === 'search' && <Search onOpenAgent={(agent) => setView({ tab: 'browse', agent })} />}
      {view.tab === 'browse' && <Browse agentId={view.agent} onAgent={onAgent} />}
      {view.tab === 'move' && (
        <Portability
          agentId={view.agent}
          onAgent={onAgent}
          onOpenPreferences={(agent) => setView({ tab: 'preferences', agent })}
        />
      )}
      {view.tab === 'preferences' && <Preferences agentId={view.agent} onAgent={onAgent} />}
    </TabbedPage>
  );
}

export default ContextPage;
