import React, { useState } from 'react';
import { cx } from '@emotion/css';
import { Alert, Field, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import type { QualityFigures, QualityMetricsResult } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { Loadable } from '../../components/shared/Loadable';
import { Section } from '../../components/shared/Section';
import { count, utcTime } from '../../format';
import { qualityPaths } from './api';
import { chars, decimal, ms, ratio, version } from './figures';
import { getQualityStyles } from './styles';
import { SERIES, TrendChart, type Series } from './TrendChart';
import type { Range } from './window';

/** The figures of a window in the order the page shows them, each with how it reads. */
export const FIGURES: Array<{ label: string; value: (f: QualityFigures) => string }> = [
  { label: 'Requests', value: (f) => count(f.requests) },
  { label: 'p50 latency', value: (f) => ms(f.latencyMs.p50) },
  { label: 'p95 latency', value: (f) => ms(f.latencyMs.p95) },
  { label: 'p99 latency', value: (f) => ms(f.latencyMs.p99) },
  { label: 'Error rate', value: (f) => ratio(f.errorRate) },
  { label: 'Refusal rate', value: (f) => ratio(f.refusalRate) },
  { label: 'Tokens per request', value: (f) => decimal(f.tokensPerRequest) },
  { label: 'Output tokens', value: (f) => decimal(f.outputTokens) },
  { label: 'Answer length', value: (f) => chars(f.outputLength) },
  { label: 'Task completion', value: (f) => ratio(f.taskCompletion) },
  { label: 'Satisfaction', value: (f) => ratio(f.userSatisfaction) },
  { label: 'Consistency', value: (f) => ratio(f.consistency) },
  { label: 'Feedback', value: (f) => count(f.feedbackCount) },
];

/** The agent's figures over the window, the same per version, and the trend with its versions marked. */
export function Trends({ agentId, range }: { agentId: string; range: Range }) {
  const s = useStyles2(getQualityStyles);
  const [series, setSeries] = useState<Series>('latencyP95Ms');
  const metrics = useCollector<QualityMetricsResult>(qualityPaths.metrics(agentId), { from: range.from, to: range.to });
  return (
    <Section
      title="Quality over the window"
      busy={metrics.loading}
      description="A dash is a figure nothing measured: refusals and answer length need content in the telemetry, task completion and satisfaction need feedback, consistency needs repeated prompts."
    >
      <Loadable state={metrics} what="Quality figures">
        {(m) =>
          m.overall.requests === 0 ? (
            <Alert severity="info" title="No requests in this window">
              This agent pushed no requests between {utcTime(m.from)} and {utcTime(m.to)} UTC. Pick a longer window, or
              push requests with OpenTelemetry or the ingest API.
            </Alert>
          ) : (
            <div className={cx(s.form, metrics.loading && s.stale)}>
              <dl className={s.figures} aria-label="Figures over the window">
                {FIGURES.map((f) => (
                  <div key={f.label}>
                    <dt>{f.label}</dt>
                    <dd>{f.value(m.overall)}</dd>
                  </div>
                ))}
              </dl>
              <h4 className={s.heading}>By version</h4>
              <table className={s.table} aria-label="Figures by version">
                <thead>
                  <tr>
                    <th>Version</th>
                    <th>First seen (UTC)</th>
                    {FIGURES.map((f) => (
                      <th key={f.label} className="num">
                        {f.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {m.versions.map((v) => (
                    <tr key={String(v.version)}>
                      <td>{version(v.version)}</td>
                      <td>{v.firstSeenAt ? utcTime(v.firstSeenAt) : '—'}</td>
                      {FIGURES.map((f) => (
                        <td key={f.label} className="num">
                          {f.value(v)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
              <Field label="Trend of">
                <RadioButtonGroup<Series>
                  size="sm"
                  options={SERIES.map((x) => ({ label: x.label, value: x.value }))}
                  value={series}
                  onChange={setSeries}
                />
              </Field>
              <TrendChart points={m.trend} series={series} from={m.from} to={m.to} />
              <details>
                <summary>The trend as a table (one row per {m.step} and version)</summary>
                <table className={s.table} aria-label="Trend">
                  <thead>
                    <tr>
                      <th>{m.step === 'hour' ? 'Hour' : 'Day'} (UTC)</th>
                      <th>Version</th>
                      <th className="num">Requests</th>
                      {SERIES.map((x) => (
                        <th key={x.value} className="num">
                          {x.label}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {m.trend.map((p) => (
                      <tr key={`${p.at} ${p.version}`}>
                        <td>{utcTime(p.at)}</td>
                        <td>{version(p.version)}</td>
                        <td className="num">{count(p.requests)}</td>
                        {SERIES.map((x) => (
                          <td key={x.value} className="num">
                            {x.format(p[x.value])}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </div>
          )
        }
      </Loadable>
    </Section>
  );
}
