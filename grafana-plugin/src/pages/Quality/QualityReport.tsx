import React from 'react';
import { cx } from '@emotion/css';
import { Alert, Button, useStyles2 } from '@grafana/ui';
import type { QualityReport as Report } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { Loadable } from '../../components/shared/Loadable';
import { Section } from '../../components/shared/Section';
import { count } from '../../format';
import { VENDOR_NAMES } from '../../constants';
import { AgentPicker } from './AgentPicker';
import { qualityPaths } from './api';
import { ms, ratio } from './figures';
import { getQualityStyles } from './styles';
import { WindowPicker } from './WindowPicker';
import type { Range } from './window';

interface Props {
  range: Range;
  onRange: (r: Range) => void;
  onOpen: (agentId: string) => void;
}

/** The landing view: every agent's quality over the window side by side, and a way to open one. */
export function QualityReport({ range, onRange, onOpen }: Props) {
  const s = useStyles2(getQualityStyles);
  const report = useCollector<Report>(qualityPaths.report, { from: range.from, to: range.to });
  return (
    <Section
      title="Quality by agent"
      busy={report.loading}
      description="Figures over the window from the requests agents pushed; open an agent for its trend by version, drift, grounding checks and feedback."
      actions={
        <div className={s.fields}>
          <WindowPicker range={range} onRange={onRange} />
        </div>
      }
    >
      <AgentPicker onPick={onOpen} />
      <Loadable state={report} what="The quality report">
        {(r) =>
          r.agents.length === 0 ? (
            <Alert severity="info" title="No agent pushed requests in this window">
              Quality figures come from the requests agents push (OpenTelemetry or the ingest API). Find an agent above
              to see its settings and feedback.
            </Alert>
          ) : (
            <table className={cx(s.table, report.loading && s.stale)} aria-label="Quality by agent">
              <thead>
                <tr>
                  <th>Agent</th>
                  <th>Vendor</th>
                  <th className="num">Requests</th>
                  <th className="num">p95 latency</th>
                  <th className="num">Error rate</th>
                  <th className="num">Refusal rate</th>
                  <th className="num">Satisfaction</th>
                  <th className="num">Task completion</th>
                  <th className="num">Drift events</th>
                  <th className="num">Hallucinations / checks</th>
                  <th className="num">Open alerts</th>
                </tr>
              </thead>
              <tbody>
                {r.agents.map((a) => (
                  <tr key={a.agentId}>
                    <td>
                      <Button
                        size="sm"
                        variant="secondary"
                        fill="text"
                        onClick={() => onOpen(a.agentId)}
                        aria-label={`Quality of ${a.name}`}
                      >
                        {a.name}
                      </Button>
                    </td>
                    <td>{VENDOR_NAMES[a.vendor] ?? a.vendor}</td>
                    <td className="num">{count(a.figures.requests)}</td>
                    <td className="num">{ms(a.figures.latencyMs.p95)}</td>
                    <td className="num">{ratio(a.figures.errorRate)}</td>
                    <td className="num">{ratio(a.figures.refusalRate)}</td>
                    <td className="num">{ratio(a.figures.userSatisfaction)}</td>
                    <td className="num">{ratio(a.figures.taskCompletion)}</td>
                    <td className="num">{count(a.driftEvents)}</td>
                    <td className="num">{`${count(a.hallucinations)} / ${count(a.groundingChecks)}`}</td>
                    <td className="num">{count(a.openAlerts)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loadable>
    </Section>
  );
}
