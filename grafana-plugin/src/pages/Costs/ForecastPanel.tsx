import React from 'react';
import { useStyles2 } from '@grafana/ui';
import type { CostForecast } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { usd } from '../../format';
import { Figure } from './Figure';
import { Loadable } from '../../components/shared/Loadable';
import { Section } from '../../components/shared/Section';
import { getCostStyles } from './styles';

/** Expected spend for the next 7 and 30 days, with the interval the model is ~95% sure of. */
export function ForecastPanel() {
  const s = useStyles2(getCostStyles);
  const forecast = useCollector<CostForecast>('/api/v1/costs/forecast');
  return (
    <Section title="Forecast" busy={forecast.loading}>
      <Loadable state={forecast} what="The forecast">
        {(f) => (
          <>
            <div className={s.cards}>
              {f.horizons.map((h) => (
                <div key={h.days} role="group" aria-label={`Next ${h.days} days`} className={s.card}>
                  <h4 className={s.cardTitle}>Next {h.days} days</h4>
                  <Figure label="Expected" value={usd(h.total)} large />
                  <Figure label="Likely range (95%)" value={`${usd(h.lower)} – ${usd(h.upper)}`} />
                </div>
              ))}
            </div>
            <span className={s.muted}>
              Method: {f.method}, from {f.historyDays} {f.historyDays === 1 ? 'day' : 'days'} of history; a day&apos;s
              spend typically misses the fit by {usd(f.dailyErrorSigma)}.
            </span>
          </>
        )}
      </Loadable>
    </Section>
  );
}
