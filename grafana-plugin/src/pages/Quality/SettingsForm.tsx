import React, { useId, useState } from 'react';
import { Badge, Button, Field, Input, useStyles2 } from '@grafana/ui';
import type { QualitySettings } from '@ai-arm/schemas';
import { useAction } from '../../api/useAction';
import { changes, draftOf, invalid, SETTING_FIELDS, type SettingKey } from './settingFields';
import { getQualityStyles } from './styles';

interface Props {
  name: string;
  values: QualitySettings;
  /** Settings set on this level (marked), e.g. an agent's overrides. */
  marked?: Partial<Record<SettingKey, unknown>>;
  markText?: string;
  onSave: (patch: Partial<QualitySettings>) => Promise<unknown>;
}

/** An Admin's form over the settings: only what changed is sent. */
export function SettingsForm({ name, values, marked, markText, onSave }: Props) {
  const s = useStyles2(getQualityStyles);
  const id = useId();
  const [draft, setDraft] = useState(() => draftOf(values));
  const action = useAction<'save'>();
  const saving = action.busy !== null;
  const patch = changes(draft, values);
  const dirty = Object.keys(patch).length > 0;

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run('save', () => onSave(patch));
  };

  return (
    <form aria-label={name} className={s.form} onSubmit={submit}>
      <div className={s.fields}>
        {SETTING_FIELDS.map((f) => {
          const why = invalid(f, draft[f.key]);
          return (
            <Field
              key={f.key}
              label={
                <span>
                  {f.label} {marked && f.key in marked && <Badge text={markText ?? 'set'} color="blue" />}
                </span>
              }
              description={f.description}
              invalid={why !== null}
              error={why}
            >
              <Input
                id={`${id}-${f.key}`}
                aria-label={f.label}
                type="number"
                step="any"
                value={draft[f.key]}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setDraft((d) => ({ ...d, [f.key]: value }));
                }}
                width={16}
              />
            </Field>
          );
        })}
      </div>
      {action.failure('The settings were not saved')}
      <div className={s.actions}>
        <Button type="submit" icon="save" disabled={saving || !dirty}>
          {saving ? 'Saving…' : 'Save settings'}
        </Button>
        {dirty && (
          <Button variant="secondary" onClick={() => setDraft(draftOf(values))}>
            Undo changes
          </Button>
        )}
      </div>
    </form>
  );
}

/** The settings read-only: each level side by side (what a Viewer or Editor sees). */
export function SettingsTable({
  name,
  columns,
}: {
  name: string;
  columns: Array<{ title: string; values: Partial<QualitySettings> }>;
}) {
  const s = useStyles2(getQualityStyles);
  return (
    <table className={s.table} aria-label={name}>
      <thead>
        <tr>
          <th>Setting</th>
          {columns.map((c) => (
            <th key={c.title} className="num">
              {c.title}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {SETTING_FIELDS.map((f) => (
          <tr key={f.key}>
            <td>
              {f.label} <span className={s.muted}>{f.description}</span>
            </td>
            {columns.map((c) => {
              const v = c.values[f.key];
              return (
                <td key={c.title} className="num">
                  {v === undefined ? '' : f.show(v)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
