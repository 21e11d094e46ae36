import React, { useId, useState } from 'react';
import { Alert, Button, Checkbox, Field, useStyles2 } from '@grafana/ui';
import type { ContextType, TransferRequest, TransferResult } from '@ai-arm/schemas';
import { collector } from '../../api/collector';
import { hasRole } from '../../roles';
import { AgentChooser } from './AgentChooser';
import { contextPaths } from './api';
import { ConfirmPreview } from './ConfirmPreview';
import { CONTEXT_TYPES, TYPE_NAMES } from './format';
import { planChanges } from './plan';
import { PlanPreview } from './PlanPreview';
import { getContextStyles } from './styles';
import { useDryRun } from './useDryRun';

const send = async (body: TransferRequest, dryRun: boolean) =>
  (await collector<TransferResult>(contextPaths.transfer, { method: 'POST', data: { ...body, dryRun } })).data;

/**
 * One agent's live context copied to another, across vendors (an OpenAI assistant's to an
 * Anthropic agent's): all of it or some types, previewed first. Writing the transferred
 * preferences into the target's instructions is a step of its own, for Admins, on the Preferences
 * tab (previewed, undoable): the transfer's own injectPreferences is never sent, since its
 * Grafana route is an Editor's.
 */
export function TransferStep({ onOpenPreferences }: { onOpenPreferences: (agentId: string) => void }) {
  const s = useStyles2(getContextStyles);
  const id = useId();
  const [from, setFrom] = useState<string | undefined>();
  const [to, setTo] = useState<string | undefined>();
  const [types, setTypes] = useState<ContextType[]>([]);
  const run = useDryRun(send);
  const locked = run.stage.step !== 'edit';
  const same = Boolean(from && from === to);
  const request = (): TransferRequest => ({
    fromAgentId: from!,
    toAgentId: to!,
    ...(types.length > 0 ? { types } : {}),
  });

  return (
    <div className={s.form}>
      <form
        aria-label="Transfer"
        className={s.form}
        onSubmit={(e) => {
          e.preventDefault();
          if (from && to && !same) {
            void run.check(request());
          }
        }}
      >
        <div className={s.fields}>
          <AgentChooser label="From agent" value={from} onChange={setFrom} disabled={locked} />
          <AgentChooser label="To agent" value={to} onChange={setTo} disabled={locked} />
        </div>
        {same && <span role="status">Choose two different agents.</span>}
        <Field label="Types" description="None ticked: every type">
          <div className={s.actions}>
            {CONTEXT_TYPES.map((t) => (
              <Checkbox
                key={t}
                id={`${id}-${t}`}
                label={TYPE_NAMES[t]}
                value={types.includes(t)}
                disabled={locked}
                onChange={(e) => {
                  // Read now: the event's target is gone by the time the update runs.
                  const on = e.currentTarget.checked;
                  setTypes((ts) => (on ? [...ts, t] : ts.filter((x) => x !== t)));
                }}
              />
            ))}
          </div>
        </Field>
        {run.stage.step === 'edit' && (
          <div>
            <Button type="submit" icon="eye" disabled={!from || !to || same || run.busy}>
              {run.busy ? 'Checking…' : 'Preview the transfer'}
            </Button>
          </div>
        )}
      </form>
      {run.error && (
        <Alert severity="error" title="The transfer was refused" onRemove={run.clearError}>
          {run.error.message}
        </Alert>
      )}
      {run.stage.step === 'preview' && (
        <>
          <PlanPreview plan={run.stage.preview.plan} title="Transfer preview (dry run: nothing stored yet)" />
          <ConfirmPreview
            run={run}
            label="Confirm the transfer"
            busyLabel="Transferring…"
            empty={!planChanges(run.stage.preview.plan)}
          />
        </>
      )}
      {run.stage.step === 'done' && (
        <>
          <PlanPreview plan={run.stage.result.plan} title="Transferred" />
          <div className={s.actions}>
            {hasRole('Admin') && to && (
              <Button icon="arrow-right" onClick={() => onOpenPreferences(to)}>
                Write the preferences into the target&apos;s instructions
              </Button>
            )}
            <Button variant="secondary" onClick={run.back}>
              Another transfer
            </Button>
          </div>
        </>
      )}
    </div>
  );
}
