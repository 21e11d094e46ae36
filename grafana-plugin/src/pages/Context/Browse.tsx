import React, { useId, useState } from 'react';
import { Alert, InlineSwitch, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import type { Context } from '@ai-arm/schemas';
import { collector } from '../../api/collector';
import { useAction } from '../../api/useAction';
import { usePaged } from '../../api/usePaged';
import { LoadError } from '../../components/shared/LoadError';
import { LoadMore } from '../../components/shared/LoadMore';
import { Section } from '../../components/shared/Section';
import { hasRole } from '../../roles';
import { AgentChooser } from './AgentChooser';
import { contextPaths } from './api';
import { FilterFields, type ItemFilters } from './FilterFields';
import { utcInstant } from './format';
import { ItemForm } from './ItemForm';
import { ItemsTable } from './ItemsTable';
import { getContextStyles } from './styles';

export const ITEMS_PAGE = 50;

interface Filters extends ItemFilters {
  includeSuperseded: boolean;
}

/** The list query as the collector takes it: blank filters left out. */
export function browseQuery(agentId: string, f: Filters): Record<string, string | number | undefined> {
  return {
    agentId,
    type: f.type || undefined,
    userId: f.userId.trim() || undefined,
    validAt: utcInstant(f.validAt) || undefined,
    includeSuperseded: f.includeSuperseded ? 'true' : undefined,
    limit: ITEMS_PAGE,
  };
}

/**
 * One agent's context by type and validity, newest first; superseded items (replaced by a newer
 * preference or instruction with the same key) only when asked. Editors add, edit and delete.
 */
export function Browse({ agentId, onAgent }: { agentId?: string; onAgent: (agentId: string | undefined) => void }) {
  return (
    <Section title="Browse an agent's context">
      <AgentChooser label="Agent" value={agentId} onChange={onAgent} />
      {agentId ? (
        <AgentItems key={agentId} agentId={agentId} />
      ) : (
        <Alert severity="info" title="Choose an agent">
          Its context items are listed here, by type and validity.
        </Alert>
      )}
    </Section>
  );
}

function AgentItems({ agentId }: { agentId: string }) {
  const s = useStyles2(getContextStyles);
  const id = useId();
  const canEdit = hasRole('Editor');
  const [filters, setFilters] = useState<Filters>({ type: '', userId: '', validAt: '', includeSuperseded: false });
  const [editing, setEditing] = useState<Context | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Items are live, expired or not yet valid as of when the list was opened.
  const [now] = useState(Date.now);
  const badTime = utcInstant(filters.validAt) === null;
  const paged = usePaged<Context>(
    contextPaths.items,
    browseQuery(agentId, badTime ? { ...filters, validAt: '' } : filters)
  );
  const action = useAction<string>();
  const set = (change: Partial<Filters>) => setFilters((f) => ({ ...f, ...change }));
  const remove = (item: Context) =>
    action.run(item.id, async () => {
      await collector(contextPaths.item(item.id), { method: 'DELETE' });
      setNotice('Item deleted.');
      if (editing?.id === item.id) {
        setEditing(null);
      }
      paged.first.reload();
    });

  return (
    <>
      <div className={s.fields} role="group" aria-label="Filters" aria-busy={paged.first.loading}>
        <FilterFields
          id={id}
          filters={filters}
          onChange={set}
          anyType="Every type"
          time={{ placeholder: 'Any time' }}
        />
        <InlineSwitch
          id={`${id}-superseded`}
          label="Include superseded"
          showLabel
          value={filters.includeSuperseded}
          onChange={(e) => set({ includeSuperseded: e.currentTarget.checked })}
        />
      </div>
      {notice && <Alert severity="success" title={notice} onRemove={() => setNotice(null)} />}
      {action.failure('The item was not deleted')}
      {editing && (
        <div className={s.panel} aria-label="Editing" role="region">
          <ItemForm
            key={editing.id}
            agentId={agentId}
            item={editing}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              setNotice('Item saved.');
              paged.first.reload();
            }}
          />
        </div>
      )}
      {paged.first.error ? (
        <LoadError title="Context items could not be loaded" error={paged.first.error} onRetry={paged.first.reload} />
      ) : !paged.rows ? (
        <LoadingPlaceholder text="Loading context items…" />
      ) : paged.rows.length === 0 ? (
        <Alert severity="info" title="No context items">
          None with these filters. Items are captured from the agent&apos;s interactions when content capture is on
          {canEdit ? ', or added below' : ''}.
        </Alert>
      ) : (
        <ItemsTable
          items={paged.rows}
          stale={paged.first.loading}
          now={now}
          busy={action.busy}
          onEdit={canEdit ? setEditing : undefined}
          onDelete={canEdit ? (item) => void remove(item) : undefined}
        />
      )}
      <LoadMore paged={paged} size={ITEMS_PAGE} what="context items" />
      {canEdit && (
        <Section title="Add context">
          <ItemForm
            agentId={agentId}
            onSaved={(_item, outcome) => {
              setNotice(
                outcome === 'merged'
                  ? 'The agent already held this: merged into the existing item (its count and confidence went up).'
                  : 'Item added.'
              );
              paged.first.reload();
            }}
          />
        </Section>
      )}
    </>
  );
}
