import React, { useId, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Field, Input, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import { collector, type CollectorError } from '../../api/collector';
import type { BudgetWithStatus } from '@ai-arm/schemas';
import { VENDOR_NAMES, VENDORS } from '../../constants';
import { PERIOD_NAMES } from './BudgetsTable';

type Period = 'DAY' | 'WEEK' | 'MONTH';
const PERIODS: Period[] = ['DAY', 'WEEK', 'MONTH'];

interface Draft {
  name: string;
  period: Period;
  amount: string;
  vendor: string;
  /** Percentages of the amount, comma separated, as people write them ("80, 100"). */
  thresholds: string;
}

const EMPTY: Draft = { name: '', period: 'MONTH', amount: '', vendor: '', thresholds: '80, 100' };

/** "80, 100" as the ratios the collector takes, or null when a part is not a number. */
function parseThresholds(text: string): number[] | null {
  const parts = text
    .split(',')
    .map((p) => p.trim().replace(/%$/, ''))
    .filter(Boolean);
  const ratios = parts.map((p) => Number(p) / 100);
  return ratios.every((r) => Number.isFinite(r)) ? ratios : null;
}

/**
 * Sets a budget; the same name again updates it (the collector's rule). The amount goes as typed:
 * the collector's schema is the one judge of what is valid, and its message says what to fix.
 */
export function BudgetForm({ onSaved }: { onSaved: (budget: BudgetWithStatus) => void }) {
  const s = useStyles2(getStyles);
  const id = useId();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const change = (c: Partial<Draft>) => setDraft((d) => ({ ...d, ...c }));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const alertThresholds = parseThresholds(draft.thresholds);
    if (!alertThresholds) {
      setError('Alert thresholds are percentages of the amount, separated by commas, e.g. 80, 100.');
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const body = {
        name: draft.name.trim(),
        period: draft.period,
        amount: draft.amount.trim(),
        vendor: draft.vendor || undefined,
        alertThresholds,
      };
      const saved = await collector<BudgetWithStatus>('/api/v1/costs/budget', { method: 'POST', data: body });
      setDraft(EMPTY);
      onSaved(saved.data);
    } catch (err) {
      setError((err as CollectorError).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form aria-label="Set a budget" className={s.form} onSubmit={submit}>
      <h4 className={s.title}>Set a budget</h4>
      <div className={s.fields}>
        <Field label="Name" description="An existing name updates that budget">
          <Input
            id={`${id}-name`}
            value={draft.name}
            onChange={(e) => change({ name: e.currentTarget.value })}
            width={24}
          />
        </Field>
        <Field label="Amount (USD)" description="e.g. 1500 or 99.50">
          <Input
            id={`${id}-amount`}
            inputMode="decimal"
            value={draft.amount}
            onChange={(e) => change({ amount: e.currentTarget.value })}
            width={16}
          />
        </Field>
        <Field label="Alert at (% of amount)" description="Comma separated">
          <Input
            id={`${id}-thresholds`}
            value={draft.thresholds}
            onChange={(e) => change({ thresholds: e.currentTarget.value })}
            width={16}
          />
        </Field>
      </div>
      <div className={s.fields}>
        <Field label="Period">
          <RadioButtonGroup
            size="sm"
            options={PERIODS.map((p) => ({ label: PERIOD_NAMES[p], value: p }))}
            value={draft.period}
            onChange={(period) => change({ period })}
          />
        </Field>
        <Field label="Vendor">
          <RadioButtonGroup
            size="sm"
            options={[
              { label: 'All vendors', value: '' },
              ...VENDORS.map((v) => ({ label: VENDOR_NAMES[v] ?? v, value: v })),
            ]}
            value={draft.vendor}
            onChange={(vendor) => change({ vendor })}
          />
        </Field>
      </div>
      {error && (
        <Alert severity="error" title="The budget was not saved" onRemove={() => setError(null)}>
          {error}
        </Alert>
      )}
      <div>
        <Button type="submit" icon="save" disabled={saving || !draft.name.trim() || !draft.amount.trim()}>
          {saving ? 'Saving…' : 'Save budget'}
        </Button>
      </div>
    </form>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1), paddingTop: theme.spacing(1) }),
  title: css({ margin: 0 }),
  fields: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(2), '& > *': { marginBottom: 0 } }),
});
