import React, { useId, useState } from 'react';
import { Button, Field, Input, useStyles2 } from '@grafana/ui';
import { getGovernanceStyles } from './styles';

export interface AuditFilter {
  action: string;
  resourceType: string;
  resourceId: string;
  actorId: string;
  /** YYYY-MM-DD, UTC days, both included. */
  fromDay: string;
  toDay: string;
}

export const NO_FILTER: AuditFilter = {
  action: '',
  resourceType: '',
  resourceId: '',
  actorId: '',
  fromDay: '',
  toDay: '',
};

const DAY_MS = 86_400_000;

/** The query the collector takes: whole UTC days, the last one included (its `to` is exclusive). */
export function auditParams(f: AuditFilter): Record<string, string | undefined> {
  const day = (d: string) => (/^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) ? d : '');
  const from = day(f.fromDay);
  const to = day(f.toDay);
  return {
    action: f.action.trim() || undefined,
    resourceType: f.resourceType.trim() || undefined,
    resourceId: f.resourceId.trim() || undefined,
    actorId: f.actorId.trim() || undefined,
    from: from ? `${from}T00:00:00.000Z` : undefined,
    to: to ? new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS).toISOString() : undefined,
  };
}

const TEXT_FIELDS: Array<{ key: keyof AuditFilter; label: string; placeholder: string }> = [
  { key: 'action', label: 'Action', placeholder: 'e.g. policy.update' },
  { key: 'resourceType', label: 'Resource type', placeholder: 'e.g. policy' },
  { key: 'resourceId', label: 'Resource id', placeholder: 'id' },
  { key: 'actorId', label: 'Actor id', placeholder: 'user or key id' },
];

/** The search: typed freely, applied on Search (one request, not one per key). */
export function AuditFilters({ applied, onApply }: { applied: AuditFilter; onApply: (f: AuditFilter) => void }) {
  const s = useStyles2(getGovernanceStyles);
  const id = useId();
  const [draft, setDraft] = useState(applied);
  const set = (key: keyof AuditFilter, value: string) => setDraft((d) => ({ ...d, [key]: value }));
  return (
    <form
      aria-label="Search the audit log"
      className={s.fields}
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      {TEXT_FIELDS.map((f) => (
        <Field key={f.key} label={f.label}>
          <Input
            id={`${id}-${f.key}`}
            placeholder={f.placeholder}
            value={draft[f.key]}
            onChange={(e) => set(f.key, e.currentTarget.value)}
            width={20}
          />
        </Field>
      ))}
      <Field label="From (UTC day)">
        <Input
          id={`${id}-from`}
          type="date"
          value={draft.fromDay}
          onChange={(e) => set('fromDay', e.currentTarget.value)}
        />
      </Field>
      <Field label="To (UTC day, included)">
        <Input id={`${id}-to`} type="date" value={draft.toDay} onChange={(e) => set('toDay', e.currentTarget.value)} />
      </Field>
      <div className={s.actions}>
        <Button type="submit" icon="search">
          Search
        </Button>
        <Button
          variant="secondary"
          onClick={() => {
            setDraft(NO_FILTER);
            onApply(NO_FILTER);
          }}
        >
          Clear
        </Button>
      </div>
    </form>
  );
}
