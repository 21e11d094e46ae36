import React, { Fragment, useState } from 'react';
import { cx } from '@emotion/css';
import { Alert, Badge, Button, useStyles2 } from '@grafana/ui';
import type { DriftEvent } from '@ai-arm/schemas';
import { collector } from '../../api/collector';
import { useAction } from '../../api/useAction';
import { useCollector } from '../../api/useCollector';
import { Loadable } from '../../components/shared/Loadable';
import { Section } from '../../components/shared/Section';
import { count, utcTime } from '../../format';
import { hasRole } from '../../roles';
import { qualityPaths } from './api';
import { DirectionBadge } from './badges';
import { DriftDetail } from './DriftDetail';
import { METRIC_NAMES, metricValue, version } from './figures';
import { getQualityStyles } from './styles';
import { windowRange, type Range } from './window';

export const DRIFT_LIMIT = 100;

interface Props {
  agentId: string;
  range: Range;
  onRange: (r: Range) => void;
  /** The event expanded, with its sample requests. */
  open?: string;
  onOpen: (event?: string) => void;
}

/** How far a window moved from the baseline, in the test that found it. */
export const shift = (e: DriftEvent) =>
  e.method === 'psi' && e.psi !== null
    ? `PSI ${e.psi.toFixed(2)}`
    : `${e.deviation >= 0 ? '+' : ''}${e.deviation.toFixed(1)} σ`;

/**
 * The drift events detected in the window, newest first: which figure moved, from what to what,
 * how far, and whether a new version came with it. Expanding one loads the requests that show
 * it. Editors can run the check now (what the scheduled run does).
 */
export function Drift({ agentId, range, onRange, open, onOpen }: Props) {
  const s = useStyles2(getQualityStyles);
  const events = useCollector<DriftEvent[]>(qualityPaths.drift(agentId), {
    from: range.from,
    to: range.to,
    limit: DRIFT_LIMIT,
  });
  const action = useAction<'check'>();
  const [found, setFound] = useState<DriftEvent[] | null>(null);
  const check = () =>
    action.run('check', async () => {
      setFound(null);
      const r = await collector<DriftEvent[]>(qualityPaths.driftCheck(agentId), { method: 'POST', data: {} });
      setFound(r.data);
      // The events just stored are detected now, after the window the page opened with: it ends now again.
      onRange(windowRange(range.key));
    });
  const checkButton = hasRole('Editor') && (
    <Button size="sm" variant="secondary" icon="search" disabled={action.busy !== null} onClick={() => void check()}>
      {action.busy ? 'Checking…' : 'Check for drift now'}
    </Button>
  );
  return (
    <Section
      title="Drift events"
      busy={events.loading}
      description="A figure of the current window against the baseline before it: a shift of the mean in baseline standard deviations (σ), or a change of distribution (PSI)."
      actions={checkButton}
    >
      {action.failure('The drift check did not run')}
      {found && (
        <Alert severity={found.length ? 'warning' : 'success'} title="Drift check done" onRemove={() => setFound(null)}>
          {found.length === 0
            ? 'No drift now: every figure is within the thresholds (or a window has too few requests to judge).'
            : `Found ${found.length} drift ${found.length === 1 ? 'event' : 'events'}: ${found.map((e) => METRIC_NAMES[e.metric]).join(', ')}.`}
        </Alert>
      )}
      <Loadable state={events} what="Drift events">
        {(list) =>
          list.length === 0 ? (
            <Alert severity="info" title="No drift in this window">
              Nothing the collector watches (latency, errors, refusals, tokens, answer length and content) moved past
              the thresholds on the Settings tab.
            </Alert>
          ) : (
            <table className={cx(s.table, events.loading && s.stale)} aria-label="Drift events">
              <thead>
                <tr>
                  <th>Detected (UTC)</th>
                  <th>Figure</th>
                  <th className="num">Baseline</th>
                  <th className="num">Current</th>
                  <th className="num">Shift</th>
                  <th>Direction</th>
                  <th>Version</th>
                  <th className="num">Samples</th>
                  <th aria-label="Sample requests" />
                </tr>
              </thead>
              <tbody>
                {list.map((e) => (
                  <Fragment key={e.id}>
                    <tr aria-expanded={open === e.id}>
                      <td>{utcTime(e.detectedAt)}</td>
                      <td>{METRIC_NAMES[e.metric] ?? e.metric}</td>
                      <td
                        className="num"
                        title={`${count(e.baseline.samples)} requests from ${utcTime(e.baseline.from)}`}
                      >
                        {metricValue(e.metric, e.baselineValue)}
                      </td>
                      <td
                        className="num"
                        title={`${count(e.current.samples)} requests from ${utcTime(e.current.from)}`}
                      >
                        {metricValue(e.metric, e.currentValue)}
                      </td>
                      <td className="num">{shift(e)}</td>
                      <td>
                        <DirectionBadge event={e} />
                      </td>
                      <td>
                        {version(e.version)}{' '}
                        {e.versionChanged && (
                          <Badge
                            text="new version"
                            color="purple"
                            tooltip="A new version started inside the current window"
                          />
                        )}
                      </td>
                      <td className="num">{count(e.samples.length)}</td>
                      <td>
                        <Button
                          size="sm"
                          variant="secondary"
                          icon={open === e.id ? 'angle-up' : 'angle-down'}
                          aria-label={`${open === e.id ? 'Hide' : 'Show'} requests of drift event ${e.id}`}
                          onClick={() => onOpen(open === e.id ? undefined : e.id)}
                        >
                          Requests
                        </Button>
                      </td>
                    </tr>
                    {open === e.id && (
                      <tr>
                        <td colSpan={9}>
                          <DriftDetail agentId={agentId} id={e.id} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          )
        }
      </Loadable>
      {open && events.data && !events.data.some((e) => e.id === open) && <DriftDetail agentId={agentId} id={open} />}
    </Section>
  );
}
