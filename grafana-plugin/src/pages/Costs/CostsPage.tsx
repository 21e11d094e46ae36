import React from 'react';
import { css } from '@emotion/css';
import { locationUtil, type GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Field, LinkButton, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import { Budgets } from './Budgets';
import { CostBreakdown } from './CostBreakdown';
import { CostTotals } from './CostTotals';
import { ForecastPanel } from './ForecastPanel';
import { Optimizations } from './Optimizations';
import { Unreconciled } from './Unreconciled';
import { RANGES, useCostView } from './view';

export const COSTS_DASHBOARD_UID = 'aiarm-costs';

/**
 * Spend, where it went, where it is heading, the budgets against it and what could be saved.
 * Every section loads on its own: one failing call leaves the others readable.
 */
function CostsPage() {
  const s = useStyles2(getStyles);
  const [view, setView] = useCostView();
  // The provisioned dashboard opens on the range chosen here (its own default is the last day).
  const dashboard = locationUtil.assureBaseUrl(`/d/${COSTS_DASHBOARD_UID}?from=now-${view.days}d&to=now`);
  return (
    <PluginPage>
      <Stack direction="column" gap={4}>
        <div className={s.toolbar}>
          <Field label="Range" description="For the breakdown and the reconciliation" className={s.field}>
            <RadioButtonGroup
              size="sm"
              options={RANGES.map((d) => ({ label: `${d} days`, value: d }))}
              value={view.days}
              onChange={(days) => setView({ days })}
            />
          </Field>
          <LinkButton variant="secondary" icon="apps" href={dashboard}>
            Costs dashboard
          </LinkButton>
        </div>
        <CostTotals />
        <CostBreakdown view={view} onChange={setView} />
        <ForecastPanel />
        <Budgets />
        <Optimizations />
        <Unreconciled days={view.days} />
      </Stack>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  toolbar: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    alignItems: 'flex-end',
    justifyContent: 'space-between',
  }),
  field: css({ marginBottom: 0 }),
});

export default CostsPage;
