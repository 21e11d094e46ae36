import React from 'react';
import { Alert, useStyles2 } from '@grafana/ui';
import type { CostOptimization } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { usd } from '../../format';
import { Figure } from './Figure';
import { sumUsd } from './money';
import { Loadable } from '../../components/shared/Loadable';
import { Section } from '../../components/shared/Section';
import { getCostStyles } from './styles';

const TYPE_NAMES: Record<string, string> = {
  MODEL_DOWNGRADE: 'Cheaper model',
  PROMPT_CACHING: 'Prompt caching',
  BATCH_API: 'Batch tier',
};
const word = (v: string) => v.charAt(0) + v.slice(1).toLowerCase();

/** What the collector suggests to spend less, priced on the organisation's own recent traffic. */
export function Optimizations() {
  const s = useStyles2(getCostStyles);
  const suggestions = useCollector<CostOptimization[]>('/api/v1/costs/optimizations');
  return (
    <Section
      title="Optimisations"
      busy={suggestions.loading}
      description="Each saving is the traffic of the last 30 days re-priced under the change."
    >
      <Loadable state={suggestions} what="Optimisations">
        {(list) =>
          list.length === 0 ? (
            <Alert severity="info" title="No optimisations to suggest">
              No cheaper model, prompt caching or batch tier would save more than a cent on the recent traffic.
            </Alert>
          ) : (
            <>
              <Figure label="Projected savings" value={usd(sumUsd(list.map((o) => o.projectedSavings)))} large />
              <table className={s.table} aria-label="Optimisations">
                <thead>
                  <tr>
                    <th>Recommendation</th>
                    <th>Kind</th>
                    <th className="num">Current cost</th>
                    <th className="num">Projected savings</th>
                    <th>Effort</th>
                    <th>Impact</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((o) => (
                    <tr key={o.id}>
                      <td>
                        {o.recommendation}
                        <div className={s.muted}>{o.implementation}</div>
                      </td>
                      <td>{TYPE_NAMES[o.optimizationType] ?? word(o.optimizationType)}</td>
                      <td className="num">{usd(o.currentCost)}</td>
                      <td className="num">{usd(o.projectedSavings)}</td>
                      <td>{word(o.effort)}</td>
                      <td>{word(o.impact)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }
      </Loadable>
    </Section>
  );
}
