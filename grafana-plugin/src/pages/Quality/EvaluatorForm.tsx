import React, { useId, useState } from 'react';
import { Button, Field, Input, useStyles2 } from '@grafana/ui';
import type { Connection, EvaluatorModel, QualitySettingsPatch } from '@ai-arm/schemas';
import { useAction } from '../../api/useAction';
import { useCollector } from '../../api/useCollector';
import { VENDOR_NAMES } from '../../constants';
import { NativeSelect } from '../../components/shared/NativeSelect';
import { getQualityStyles } from './styles';

/** Vendors whose models can judge claims. */
const JUDGE_VENDORS = ['OPENAI', 'ANTHROPIC'];

/**
 * An Admin picks the LLM judge: one of the organisation's OpenAI or Anthropic connections and a
 * model name, or none (grounding checks then run on rules).
 */
export function EvaluatorForm({
  evaluator,
  onSave,
}: {
  evaluator: EvaluatorModel | null;
  onSave: (patch: QualitySettingsPatch) => Promise<unknown>;
}) {
  const s = useStyles2(getQualityStyles);
  const id = useId();
  const connections = useCollector<Connection[]>('/api/v1/connections');
  const usable = (connections.data ?? []).filter((c) => JUDGE_VENDORS.includes(c.vendor));
  const [connectionId, setConnectionId] = useState(evaluator?.connectionId ?? '');
  const [model, setModel] = useState(evaluator?.model ?? '');
  const action = useAction<'save'>();
  const saving = action.busy !== null;
  const save = (patch: QualitySettingsPatch) => action.run('save', () => onSave(patch));
  const options = [
    { label: 'Choose a connection', value: '' },
    ...usable.map((c) => ({ label: `${c.name} (${VENDOR_NAMES[c.vendor] ?? c.vendor})`, value: c.id })),
  ];
  return (
    <form
      aria-label="Evaluator model"
      aria-busy={connections.loading}
      className={s.form}
      onSubmit={(e) => {
        e.preventDefault();
        void save({ evaluator: { connectionId, model: model.trim() } });
      }}
    >
      <span className={s.muted}>
        {evaluator ? `Now: ${evaluator.model}.` : 'None now: grounding checks run on rules.'} The model is called with
        the connection&apos;s key, so each check it judges costs tokens.
      </span>
      <div className={s.fields}>
        <Field label="Connection">
          <NativeSelect
            id={`${id}-connection`}
            aria-label="Connection"
            value={connectionId}
            options={options}
            onChange={setConnectionId}
          />
        </Field>
        <Field label="Model">
          <Input
            id={`${id}-model`}
            value={model}
            placeholder="e.g. gpt-4o-mini"
            onChange={(e) => setModel(e.currentTarget.value)}
            width={30}
          />
        </Field>
      </div>
      {connections.error && <span className={s.muted}>{connections.error.message}</span>}
      {action.failure('The evaluator model was not saved')}
      <div className={s.actions}>
        <Button type="submit" disabled={saving || !connectionId || !model.trim()}>
          Use this model
        </Button>
        {evaluator && (
          <Button variant="secondary" disabled={saving} onClick={() => void save({ evaluator: null })}>
            Use rules only
          </Button>
        )}
      </div>
    </form>
  );
}
