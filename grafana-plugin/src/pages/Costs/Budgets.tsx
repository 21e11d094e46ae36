import React from 'react';
import { Alert } from '@grafana/ui';
import { collector } from '../../api/collector';
import { useAction } from '../../api/useAction';
import type { BudgetWithStatus } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { hasRole } from '../../roles';
import { BudgetForm } from './BudgetForm';
import { BudgetsTable } from './BudgetsTable';
import { Loadable } from '../../components/shared/Loadable';
import { Section } from '../../components/shared/Section';

/** Budgets with their burn this period; editors set and remove them. */
export function Budgets() {
  const budgets = useCollector<BudgetWithStatus[]>('/api/v1/costs/budget');
  const canChange = hasRole('Editor');
  const action = useAction<string>();
  const remove = (budget: BudgetWithStatus) =>
    action.run(budget.id, async () => {
      await collector(`/api/v1/costs/budget/${budget.id}`, { method: 'DELETE' });
      budgets.reload();
    });

  return (
    <Section title="Budgets" busy={budgets.loading}>
      {action.failure('The budget was not deleted')}
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
              <BudgetsTable budgets={list} onDelete={canChange ? remove : undefined} busy={action.busy} />
            )}
            {/* Only once the list is in: a form under a failed list would fail the same way. */}
            {canChange && <BudgetForm onSaved={budgets.reload} />}
          </>
        )}
      </Loadable>
    </Section>
  );
}
