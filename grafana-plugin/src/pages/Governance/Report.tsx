import React, { useState } from 'react';
import { Field, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import type { ComplianceReport } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { Loadable } from '../../components/shared/Loadable';
import { daysAgo, utcTime } from '../../format';
import { Section } from '../../components/shared/Section';
import { Download } from './Download';
import { ReportTables } from './ReportTables';
import { getGovernanceStyles } from './styles';

export const PERIODS = [7, 30, 90] as const;
const REPORT = '/api/v1/governance/report';

/** The last `days` UTC days, today included: from the first day's midnight to the next midnight. */
export const reportPeriod = (days: number, now = Date.now()) => ({
  from: `${daysAgo(days - 1, now)}T00:00:00.000Z`,
  to: `${daysAgo(-1, now)}T00:00:00.000Z`,
});

/** The compliance report over a period (Grafana Admins only: it names users and keys), and its CSV. */
export function Report() {
  const s = useStyles2(getGovernanceStyles);
  const [days, setDays] = useState<number>(30);
  const period = reportPeriod(days);
  const report = useCollector<ComplianceReport>(REPORT, period);
  const controls = (
    <div className={s.fields}>
      <Field label="Period">
        <RadioButtonGroup
          size="sm"
          options={PERIODS.map((d) => ({ label: `${d} days`, value: d }))}
          value={days}
          onChange={setDays}
        />
      </Field>
      <Download path={REPORT} params={{ ...period, format: 'csv' }} refused={Boolean(report.error)}>
        Download CSV
      </Download>
    </div>
  );
  return (
    <Section
      title="Compliance report"
      busy={report.loading}
      description={
        report.data
          ? `${utcTime(report.data.from)} to ${utcTime(report.data.to)} UTC, generated ${utcTime(report.data.generatedAt)}`
          : undefined
      }
      actions={controls}
    >
      <Loadable state={report} what="The report">
        {(r) => <ReportTables report={r} />}
      </Loadable>
    </Section>
  );
}
