import React, { useId, useState } from 'react';
import { cx } from '@emotion/css';
import { Alert, Button, Field, Input, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import type { AlertStatus, QualityAlert, QualityAlertType } from '@ai-arm/schemas';
import { collector } from '../../api/collector';
import { useAction } from '../../api/useAction';
import { useCollector } from '../../api/useCollector';
import { Loadable } from '../../components/shared/Loadable';
import { Section } from '../../components/shared/Section';
import { utcTime } from '../../format';
import { hasRole } from '../../roles';
import { qualityPaths } from './api';
import { AlertStatusBadge, SeverityBadge } from './badges';
import { alertFigures, METRIC_NAMES } from './figures';
import { getQualityStyles } from './styles';

export const ALERT_LIMIT = 200;
type StatusFilter = '' | AlertStatus;
type TypeFilter = '' | QualityAlertType;
const STATUSES: Array<{ label: string; value: StatusFilter; ariaLabel?: string }> = [
  { label: 'Open', value: 'OPEN' },
  { label: 'Acknowledged', value: 'ACKNOWLEDGED' },
  { label: 'Resolved', value: 'RESOLVED' },
  { label: 'All', value: '', ariaLabel: 'All statuses' },
];
const TYPES: Array<{ label: string; value: TypeFilter; ariaLabel?: string }> = [
  { label: 'All', value: '', ariaLabel: 'All types' },
  { label: 'Drift', value: 'DRIFT' },
  { label: 'Error rate', value: 'ERROR_RATE' },
  { label: 'Grounding', value: 'GROUNDING' },
];
type Act = 'acknowledge' | 'resolve';

/** Who did what to an alert and when, in one line. */
export function alertHistory(a: QualityAlert): string {
  const parts: string[] = [];
  if (a.acknowledgedAt) {
    parts.push(`acknowledged by ${a.acknowledgedBy ?? 'someone'} at ${utcTime(a.acknowledgedAt)}`);
  }
  if (a.resolvedAt) {
    parts.push(
      a.resolvedBy === 'system'
        ? `resolved at ${utcTime(a.resolvedAt)}: the condition cleared`
        : `resolved by ${a.resolvedBy ?? 'someone'} at ${utcTime(a.resolvedAt)}`
    );
  }
  return parts.join('; ');
}

interface Props {
  /** Only this agent's alerts (the agent's own section); all agents' otherwise. */
  agentId?: string;
  onOpenAgent?: (agentId: string) => void;
}

/**
 * Quality alerts (drift, error rate, grounding failures) with their state. Editors acknowledge
 * (someone is on it) and resolve (done), with a note; a note is optional.
 */
export function Alerts({ agentId, onOpenAgent }: Props) {
  const s = useStyles2(getQualityStyles);
  const id = useId();
  const [status, setStatus] = useState<StatusFilter>('OPEN');
  const [type, setType] = useState<TypeFilter>('');
  const alerts = useCollector<QualityAlert[]>(qualityPaths.alerts, {
    status: status || undefined,
    type: type || undefined,
    agentId,
    limit: ALERT_LIMIT,
  });
  const canAct = hasRole('Editor');
  const action = useAction<string>();
  const [pending, setPending] = useState<{ alert: QualityAlert; act: Act } | null>(null);
  const [note, setNote] = useState('');

  const confirm = () =>
    pending &&
    action.run(pending.alert.id, async () => {
      await collector<QualityAlert>(qualityPaths.alert(pending.alert.id, pending.act), {
        method: 'POST',
        data: note.trim() ? { note: note.trim() } : {},
      });
      setPending(null);
      setNote('');
      alerts.reload();
    });

  return (
    <Section title="Quality alerts" busy={alerts.loading}>
      <div className={s.fields}>
        <Field label="Status">
          <RadioButtonGroup<StatusFilter> size="sm" options={STATUSES} value={status} onChange={setStatus} />
        </Field>
        <Field label="Type">
          <RadioButtonGroup<TypeFilter> size="sm" options={TYPES} value={type} onChange={setType} />
        </Field>
      </div>
      {action.failure('The alert was not changed')}
      <Loadable state={alerts} what="Quality alerts">
        {(list) =>
          list.length === 0 ? (
            <Alert severity="info" title="No alerts">
              None matches these filters. Alerts are raised when drift is found, or when the error rate or the share of
              hallucinations passes its threshold (Settings).
            </Alert>
          ) : (
            <table className={cx(s.table, alerts.loading && s.stale)} aria-label="Quality alerts">
              <thead>
                <tr>
                  <th>Raised (UTC)</th>
                  <th>Severity</th>
                  <th>Figure</th>
                  <th className="num">Value / threshold</th>
                  <th>Message</th>
                  <th>Status</th>
                  {!agentId && <th>Agent</th>}
                  {canAct && <th aria-label="Actions" />}
                </tr>
              </thead>
              <tbody>
                {list.map((a) => (
                  <tr key={a.id}>
                    <td>{utcTime(a.createdAt)}</td>
                    <td>
                      <SeverityBadge severity={a.severity} />
                    </td>
                    <td>{METRIC_NAMES[a.metric] ?? a.metric}</td>
                    <td className="num">{alertFigures(a)}</td>
                    <td>
                      {a.message}
                      {alertHistory(a) && <div className={s.muted}>{alertHistory(a)}</div>}
                      {a.note && <div className={s.muted}>Note: {a.note}</div>}
                    </td>
                    <td>
                      <AlertStatusBadge status={a.status} />
                    </td>
                    {!agentId && (
                      <td>
                        <Button size="sm" variant="secondary" fill="text" onClick={() => onOpenAgent?.(a.agentId)}>
                          Open agent
                        </Button>
                      </td>
                    )}
                    {canAct && (
                      <td className={s.actions}>
                        {a.status === 'OPEN' && (
                          <Button
                            size="sm"
                            variant="secondary"
                            disabled={action.busy !== null}
                            aria-label={`Acknowledge alert ${a.id}`}
                            onClick={() => setPending({ alert: a, act: 'acknowledge' })}
                          >
                            Acknowledge
                          </Button>
                        )}
                        {a.status !== 'RESOLVED' && (
                          <Button
                            size="sm"
                            variant="secondary"
                            disabled={action.busy !== null}
                            aria-label={`Resolve alert ${a.id}`}
                            onClick={() => setPending({ alert: a, act: 'resolve' })}
                          >
                            Resolve
                          </Button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loadable>
      {(alerts.data?.length ?? 0) >= ALERT_LIMIT && (
        <div className={s.muted}>The newest {ALERT_LIMIT} shown: narrow the status or type to see older ones.</div>
      )}
      {pending && canAct && (
        <form
          aria-label={pending.act === 'acknowledge' ? 'Acknowledge alert' : 'Resolve alert'}
          className={s.panel}
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          <span>
            {pending.act === 'acknowledge' ? 'Acknowledge' : 'Resolve'}: {pending.alert.message}
          </span>
          <Field label="Note" description="Optional: what was found, what was done">
            <Input id={`${id}-note`} value={note} maxLength={4000} onChange={(e) => setNote(e.currentTarget.value)} />
          </Field>
          <div className={s.actions}>
            <Button type="submit" disabled={action.busy !== null}>
              {pending.act === 'acknowledge' ? 'Acknowledge' : 'Resolve'}
            </Button>
            <Button variant="secondary" onClick={() => setPending(null)}>
              Cancel
            </Button>
          </div>
        </form>
      )}
    </Section>
  );
}

/** The agent's own alerts, in its quality view. */
export const AgentAlerts = ({ agentId }: { agentId: string }) => <Alerts agentId={agentId} />;
