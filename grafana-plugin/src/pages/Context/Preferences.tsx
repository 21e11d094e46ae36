import React from 'react';
import { Alert, useStyles2 } from '@grafana/ui';
import type { Preference } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { Loadable } from '../../components/shared/Loadable';
import { Section } from '../../components/shared/Section';
import { percent, utcTime } from '../../format';
import { hasRole } from '../../roles';
import { AgentChooser } from './AgentChooser';
import { contextPaths } from './api';
import { InjectPanel } from './InjectPanel';
import { getContextStyles } from './styles';

/**
 * An agent's preferences in force (its live PREFERENCE items, by key), for everyone or one user;
 * Admins write them into the agent's instructions at its vendor, and undo that.
 */
export function Preferences({ agentId, onAgent }: { agentId?: string; onAgent: (id: string | undefined) => void }) {
  return (
    <Section title="Preferences">
      <AgentChooser label="Agent" value={agentId} onChange={onAgent} />
      {agentId ? (
        <AgentPreferences key={agentId} agentId={agentId} />
      ) : (
        <Alert severity="info" title="Choose an agent">
          Its preferences in force are listed here.
        </Alert>
      )}
    </Section>
  );
}

function AgentPreferences({ agentId }: { agentId: string }) {
  const s = useStyles2(getContextStyles);
  const prefs = useCollector<Preference[]>(contextPaths.preferences, { agentId });
  return (
    <Loadable state={prefs} what="Preferences">
      {(list) => (
        <>
          {list.length === 0 ? (
            <Alert severity="info" title="No preferences in force">
              Preferences are captured from what users ask of the agent, or added on the Browse tab (type Preference,
              with a key).
            </Alert>
          ) : (
            <table className={s.table} aria-label="Preferences in force" aria-busy={prefs.loading}>
              <thead>
                <tr>
                  <th>Category</th>
                  <th>Key</th>
                  <th>Preference</th>
                  <th>User</th>
                  <th>Confidence</th>
                  <th>Last observed (UTC)</th>
                </tr>
              </thead>
              <tbody>
                {list.map((p) => (
                  <tr key={p.id}>
                    <td>{p.category}</td>
                    <td>
                      <code>{p.key}</code>
                    </td>
                    <td className={s.content}>
                      {p.value}
                      {p.examples.length > 0 && <div className={s.muted}>e.g. {p.examples.slice(0, 3).join('; ')}</div>}
                    </td>
                    <td>{p.userId ?? <span className={s.muted}>everyone</span>}</td>
                    <td>{percent(p.confidence)}</td>
                    <td>{utcTime(p.lastObserved)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {hasRole('Admin') ? (
            <InjectPanel agentId={agentId} prefs={list} />
          ) : (
            <span className={s.muted}>
              A Grafana Admin writes these into the agent&apos;s instructions at its vendor.
            </span>
          )}
        </>
      )}
    </Loadable>
  );
}
