import React, { useId } from 'react';
import { Field, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import type { PolicyTemplate } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { LoadError } from '../../components/shared/LoadError';
import { NativeSelect } from '../../components/shared/NativeSelect';
import { getGovernanceStyles } from './styles';

const BLANK = '';

/** The collector's ready policies: choosing one fills the form below with it, to save as it is or edit. */
export function TemplatePicker({
  chosen,
  onChoose,
}: {
  chosen: string;
  onChoose: (template: PolicyTemplate | null) => void;
}) {
  const s = useStyles2(getGovernanceStyles);
  const id = useId();
  const templates = useCollector<PolicyTemplate[]>('/api/v1/governance/policy-templates');
  if (templates.error) {
    return <LoadError title="Templates could not be loaded" error={templates.error} onRetry={templates.reload} />;
  }
  if (!templates.data) {
    return <LoadingPlaceholder text="Loading templates…" />;
  }
  const list = templates.data;
  const current = list.find((t) => t.id === chosen);
  return (
    <Field label="Start from a template" description={current?.description ?? 'Or start blank'} className={s.form}>
      <NativeSelect
        id={`${id}-template`}
        aria-label="Start from a template"
        value={chosen}
        options={[{ label: 'Blank policy', value: BLANK }, ...list.map((t) => ({ label: t.name, value: t.id }))]}
        onChange={(value) => onChoose(list.find((t) => t.id === value) ?? null)}
      />
    </Field>
  );
}
