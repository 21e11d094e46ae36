import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, Input, InlineSwitch, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import { EMPTY_CONDITION, FIELDS, METADATA, OPERATORS, type ConditionDraft } from './draft';
import { NativeSelect } from '../../components/shared/NativeSelect';

interface Props {
  conditions: ConditionDraft[];
  match: 'all' | 'any';
  onChange: (conditions: ConditionDraft[]) => void;
  onMatchChange: (match: 'all' | 'any') => void;
}

const MAX_CONDITIONS = 50;

/** The rules of a policy, one row each: field, operator, value and NOT; combined with all or any. */
export function ConditionsBuilder({ conditions, match, onChange, onMatchChange }: Props) {
  const s = useStyles2(getStyles);
  const set = (i: number, change: Partial<ConditionDraft>) =>
    onChange(conditions.map((c, j) => (j === i ? { ...c, ...change } : c)));
  return (
    <fieldset className={s.fieldset} aria-label="Conditions">
      <legend className={s.legend}>Conditions</legend>
      <div className={s.row}>
        <span>Match</span>
        <RadioButtonGroup
          size="sm"
          options={[
            { label: 'All conditions', value: 'all' },
            { label: 'Any condition', value: 'any' },
          ]}
          value={match}
          onChange={onMatchChange}
        />
      </div>
      <ol className={s.list}>
        {conditions.map((c, i) => {
          const n = i + 1;
          return (
            <li key={i} className={s.row} aria-label={`Condition ${n}`}>
              <InlineSwitch
                label="NOT"
                showLabel
                aria-label={`Condition ${n} NOT`}
                value={c.not}
                onChange={(e) => set(i, { not: e.currentTarget.checked })}
              />
              <NativeSelect
                aria-label={`Condition ${n} field`}
                value={c.field}
                options={FIELDS}
                onChange={(field) => set(i, { field })}
              />
              {c.field === METADATA && (
                <Input
                  aria-label={`Condition ${n} metadata key`}
                  placeholder="key, e.g. team"
                  value={c.metadataKey}
                  onChange={(e) => set(i, { metadataKey: e.currentTarget.value })}
                  width={16}
                />
              )}
              <NativeSelect
                aria-label={`Condition ${n} operator`}
                value={c.operator}
                options={OPERATORS}
                onChange={(operator) => set(i, { operator })}
              />
              <Input
                aria-label={`Condition ${n} value`}
                placeholder={OPERATORS.find((o) => o.value === c.operator)?.hint}
                title={OPERATORS.find((o) => o.value === c.operator)?.hint}
                value={c.value}
                onChange={(e) => set(i, { value: e.currentTarget.value })}
                width={40}
              />
              <Button
                size="sm"
                variant="secondary"
                icon="trash-alt"
                aria-label={`Remove condition ${n}`}
                disabled={conditions.length === 1}
                onClick={() => onChange(conditions.filter((_, j) => j !== i))}
              />
            </li>
          );
        })}
      </ol>
      <div>
        <Button
          size="sm"
          variant="secondary"
          icon="plus"
          disabled={conditions.length >= MAX_CONDITIONS}
          onClick={() => onChange([...conditions, EMPTY_CONDITION])}
        >
          Add condition
        </Button>
      </div>
    </fieldset>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  fieldset: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1, 2, 2),
  }),
  legend: css({ fontSize: theme.typography.h6.fontSize, padding: theme.spacing(0, 0.5), width: 'auto', margin: 0 }),
  list: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  row: css({ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: theme.spacing(1) }),
});
