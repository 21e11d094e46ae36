import React from 'react';
import { useStyles2 } from '@grafana/ui';
import type { CostPeriodTotal } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { compact, count, usd } from '../../format';
import { Figure } from './Figure';
import { Loadable } from '../../components/shared/Loadable';
import { Section } from '../../components/shared/Section';
import { getCostStyles } from './styles';

export const PERIOD_LABELS: Record<CostPeriodTotal['period'], string> = {
  today: 'Today',
  week: 'Last 7 days',
  month: 'Month to date',
};

/** Today, the week and the month: what our price table makes of the usage beside what the vendors billed. */
export function CostTotals() {
  const s = useStyles2(getCostStyles);
  const summary = useCollector<CostPeriodTotal[]>('/api/v1/costs/summary');
  return (
    <Section
      title="Spend"
      busy={summary.loading}
      description="Computed is the usage priced with the collector's price table; billed is what the vendors' cost reports charge, which arrive a day or so late."
    >
      <Loadable state={summary} what="Cost totals">
        {(periods) => (
          <div className={s.cards}>
            {periods.map((p) => (
              <div key={p.period} role="group" aria-label={PERIOD_LABELS[p.period]} className={s.card}>
                <h4 className={s.cardTitle}>{PERIOD_LABELS[p.period]}</h4>
                <span className={s.muted}>{p.from === p.to ? p.from : `${p.from} – ${p.to}`}</span>
                <Figure label="Computed" value={usd(p.computedCost)} large />
                {/* Bills are never per agent: null only for one agent's totals. */}
                <Figure label="Billed" value={p.billedCost === null ? '—' : usd(p.billedCost)} />
                <Figure label="Tokens" value={compact(p.tokens)} title={count(p.tokens)} />
                <Figure label="Requests" value={count(p.requests)} />
                {p.unpricedTokens > 0 && (
                  <Figure
                    label="Unpriced tokens"
                    value={compact(p.unpricedTokens)}
                    title={`${count(p.unpricedTokens)} tokens of models missing from the price table`}
                  />
                )}
              </div>
            ))}
          </div>
        )}
      </Loadable>
    </Section>
  );
}
