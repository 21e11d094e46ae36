import React, { useState } from 'react';
import { Alert } from '@grafana/ui';
import { collector, type CollectorError } from '../../api/collector';
import type { Budget } from '../../api/types';
import { useCollector } from '../../api/useCollector';
import { hasRole } from '../../roles';
import { BudgetForm } from './BudgetForm';
import { BudgetsTable } from './BudgetsTable';
import { Loadable } from '../../components/shared/Loadable';
import { Section } from './Section';

/** Budgets with their burn this period; editors set and remove them. */
export function Budgets() {
  const budgets = useCollector<Budget[]>('/api/v1/costs/budget');
  const canChange = hasRole('Editor');
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<CollectorError | null>(null);

  const remove = async (budget: Budget) => {
    setBusy(budget.id);
    setActionError(null);
    try {
      await collector(`/api/v1/costs/budget/${budget.id}`, { method: 'DELETE' });
      budgets.reload();
    } catch (err) {
      setActionError(err as CollectorError);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Section title="Budgets" busy={budgets.loading}>
      {actionError && (
        <Alert severity="error" title="The budget was not deleted" onRemove={() => setActionError(null)}>
          {actionError.message}
        </Alert>
      )}
      <Loadable state={budgets} what="Budgets">
        {(list) => (
          <>
            {list.length === 0 ? (
              <Alert severity="info" title="No budgets yet">
                {canChange
                  ? 'Set one below: the collector alerts when spend crosses its thresholds.'
                  : 'An editor can set budgets here; the collector then alerts when spend crosses their thresholds.'}
              </Alert>
            ) : (
              <BudgetsTable budgets={list} onDelete={canChange ? remove : undefined} busy={busy} />
            )}
            {/* Only once the list is in: a form under a failed list would fail the same way. */}
            {canChange && <BudgetForm onSaved={budgets.reload} />}
          </>
        )}
      </Loadable>
    </Section>
  );
}
