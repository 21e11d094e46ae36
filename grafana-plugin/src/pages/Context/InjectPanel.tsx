import React, { useId, useState } from 'react';
import { Alert, Button, ConfirmButton, Field, useStyles2 } from '@grafana/ui';
import type { InjectRequest, InjectResult, Preference, PreferenceInjection } from '@ai-arm/schemas';
import { collector, type CollectorError } from '../../api/collector';
import { NativeSelect } from '../../components/shared/NativeSelect';
import { utcTime } from '../../format';
import { contextPaths } from './api';
import { ConfirmPreview } from './ConfirmPreview';
import { InstructionsDiff } from './InstructionsDiff';
import { getContextStyles } from './styles';
import { useDryRun } from './useDryRun';

/** The scopes an injection writes: the agent's own preferences, or one user's (each its own block). */
export function scopesOf(prefs: Preference[]): Array<{ label: string; value: string }> {
  const users = [...new Set(prefs.map((p) => p.userId).filter((u): u is string => u !== null))].sort();
  return [{ label: 'The agent’s own preferences', value: '' }, ...users.map((u) => ({ label: `User ${u}`, value: u }))];
}

/**
 * An Admin writes the agent's preferences into its instructions at its vendor: the instructions
 * before and after are shown first (a dry run reads them from the vendor), written on confirming;
 * the last injection can be undone (the instructions before it written back).
 */
export function InjectPanel({ agentId, prefs }: { agentId: string; prefs: Preference[] }) {
  const s = useStyles2(getContextStyles);
  const id = useId();
  const [userId, setUserId] = useState('');
  const run = useDryRun(
    async (body: InjectRequest, dryRun: boolean) =>
      (await collector<InjectResult>(contextPaths.inject(agentId), { method: 'POST', data: { ...body, dryRun } })).data
  );
  const [undone, setUndone] = useState<PreferenceInjection | null>(null);
  const [undoError, setUndoError] = useState<CollectorError | null>(null);
  const [undoing, setUndoing] = useState(false);
  const undo = async () => {
    setUndoing(true);
    setUndoError(null);
    setUndone(null);
    try {
      setUndone((await collector<PreferenceInjection>(contextPaths.undo(agentId), { method: 'POST', data: {} })).data);
      run.back();
    } catch (err) {
      setUndoError(err as CollectorError);
    } finally {
      setUndoing(false);
    }
  };
  const locked = run.stage.step !== 'edit';

  return (
    <div className={s.panel} role="region" aria-label="Inject into instructions">
      <h4 className={s.heading}>Write into the agent&apos;s instructions</h4>
      <span className={s.muted}>
        OpenAI assistants and Anthropic managed agents: the preferences go into a fenced block of their instructions at
        the vendor, which a later injection replaces; the instructions before are kept for undo.
      </span>
      <div className={s.fields}>
        <Field label="Preferences of">
          <NativeSelect
            id={`${id}-scope`}
            aria-label="Preferences of"
            value={userId}
            options={scopesOf(prefs)}
            disabled={locked}
            onChange={setUserId}
          />
        </Field>
        {run.stage.step === 'edit' && (
          <Button icon="eye" disabled={run.busy} onClick={() => void run.check(userId ? { userId } : {})}>
            {run.busy ? 'Reading the instructions…' : 'Preview the injection'}
          </Button>
        )}
        <ConfirmButton
          closeOnConfirm
          confirmText="Write back the instructions before it"
          confirmVariant="destructive"
          disabled={undoing || run.busy}
          onConfirm={() => void undo()}
        >
          <Button variant="secondary" icon="history" aria-label="Undo the last injection">
            Undo the last injection
          </Button>
        </ConfirmButton>
      </div>
      {run.error && (
        <Alert severity="error" title="The injection was refused" onRemove={run.clearError}>
          {run.error.message}
        </Alert>
      )}
      {undoError && (
        <Alert severity="error" title="Nothing was undone" onRemove={() => setUndoError(null)}>
          {undoError.message}
        </Alert>
      )}
      {undone && (
        <Alert severity="success" title="Injection undone" onRemove={() => setUndone(null)}>
          The instructions from before {utcTime(undone.createdAt)} UTC were written back (injection {undone.id}).
        </Alert>
      )}
      {run.stage.step === 'preview' && (
        <>
          <InstructionsDiff
            before={run.stage.preview.before}
            after={run.stage.preview.after}
            label="Instructions preview"
          />
          <ConfirmPreview
            run={run}
            label="Write these instructions"
            busyLabel="Writing…"
            empty={run.stage.preview.before === run.stage.preview.after}
          />
        </>
      )}
      {run.stage.step === 'done' && (
        <>
          <Alert severity="success" title={run.stage.result.injection ? 'Instructions written' : 'Nothing to write'}>
            {run.stage.result.injection
              ? `Injection ${run.stage.result.injection.id} at ${utcTime(run.stage.result.injection.createdAt)} UTC.`
              : 'The instructions already held these preferences.'}
          </Alert>
          <InstructionsDiff
            before={run.stage.result.before}
            after={run.stage.result.after}
            label="Instructions written"
          />
          <div>
            <Button variant="secondary" onClick={run.back}>
              Done
            </Button>
          </div>
        </>
      )}
    </div>
  );
}
