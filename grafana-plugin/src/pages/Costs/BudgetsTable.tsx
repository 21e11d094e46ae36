import React from 'react';
import { Link } from 'react-router-dom';
import { Badge, Button, ConfirmButton, useStyles2 } from '@grafana/ui';
import type { BudgetWithStatus } from '@ai-arm/schemas';
import { PLUGIN_BASE_URL, ROUTES, VENDOR_NAMES } from '../../constants';
import { percent, usd } from '../../format';
import { ShareBar } from '../../components/shared/ShareBar';
import { getCostStyles } from './styles';

export const PERIOD_NAMES: Record<string, string> = { DAY: 'Day', WEEK: 'Week', MONTH: 'Month' };

interface Props {
  budgets: BudgetWithStatus[];
  /** Present for users who may remove budgets (Editors and Admins). */
  onDelete?: (budget: BudgetWithStatus) => void;
  busy: string | null;
}

/** Each budget's burn in its current period: spent of the amount, what is left and the highest alert threshold crossed. */
export function BudgetsTable({ budgets, onDelete, busy }: Props) {
  const s = useStyles2(getCostStyles);
  return (
    <table className={s.table} aria-label="Budgets">
      <thead>
        <tr>
          <th>Name</th>
          <th>Applies to</th>
          <th>Period</th>
          <th>Burn</th>
          <th className="num">Spent</th>
          <th className="num">Remaining</th>
          <th>Alerts</th>
          {onDelete && <th aria-label="Actions" />}
        </tr>
      </thead>
      <tbody>
        {budgets.map((b) => (
          <tr key={b.id}>
            <td>{b.name}</td>
            <td>
              <Scope budget={b} />
            </td>
            <td>
              {PERIOD_NAMES[b.period] ?? b.period}
              <div className={s.muted}>
                {b.status.period.from} – {b.status.period.to}
              </div>
            </td>
            <td>
              <ShareBar ratio={b.status.spentRatio} label={`Burn of ${b.name}`} />
              <span className={s.muted}>{percent(b.status.spentRatio)}</span>
            </td>
            <td className="num">
              {usd(b.status.spent)} of {usd(b.amount)}
            </td>
            <td className="num">{usd(b.status.remaining)}</td>
            <td>
              {b.status.crossed === null ? (
                <span className={s.muted}>none crossed</span>
              ) : (
                <Badge color={b.status.crossed >= 1 ? 'red' : 'orange'} text={`${percent(b.status.crossed)} crossed`} />
              )}
              <div className={s.muted}>at {b.alertThresholds.map(percent).join(', ') || 'no thresholds'}</div>
            </td>
            {onDelete && (
              <td>
                <ConfirmButton
                  size="sm"
                  confirmText={`Delete ${b.name}`}
                  confirmVariant="destructive"
                  disabled={busy === b.id}
                  onConfirm={() => onDelete(b)}
                >
                  <Button size="sm" variant="secondary" icon="trash-alt" aria-label={`Delete budget ${b.name}`}>
                    Delete
                  </Button>
                </ConfirmButton>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Scope({ budget }: { budget: BudgetWithStatus }) {
  if (budget.agentId) {
    return <Link to={`${PLUGIN_BASE_URL}/${ROUTES.Agents}/${budget.agentId}`}>One agent</Link>;
  }
  return <>{budget.vendor ? (VENDOR_NAMES[budget.vendor] ?? budget.vendor) : 'All vendors'}</>;
}
