import React, { useId, useState } from 'react';
import { Alert, Button, Field, TextArea, useStyles2 } from '@grafana/ui';
import type { ImportRequest, ImportResult } from '@ai-arm/schemas';
import { collector } from '../../api/collector';
import { AgentChooser } from './AgentChooser';
import { contextPaths } from './api';
import { ConfirmPreview } from './ConfirmPreview';
import { FORMATS, planChanges, readExport } from './plan';
import { PlanPreview } from './PlanPreview';
import { getContextStyles } from './styles';
import { useDryRun } from './useDryRun';

const send = async (body: ImportRequest, dryRun: boolean) =>
  (await collector<ImportResult>(contextPaths.import, { method: 'POST', data: { ...body, dryRun } })).data;

/**
 * An export file into an agent: read and checked by the collector first (a dry run: every entry
 * checked, what would be new, merged or superseded listed, an AI-ARM checksum verified), stored
 * only once the user confirms that plan.
 */
export function ImportStep({ agentId, onAgent }: { agentId?: string; onAgent: (id: string | undefined) => void }) {
  const s = useStyles2(getContextStyles);
  const id = useId();
  const [text, setText] = useState('');
  const [fileError, setFileError] = useState<string | null>(null);
  const run = useDryRun(send);
  const read = readExport(text);
  const locked = run.stage.step !== 'edit';

  const load = (file: File | undefined) => {
    if (!file) {
      return;
    }
    setFileError(null);
    const reader = new FileReader();
    reader.onload = () => setText(String(reader.result ?? ''));
    reader.onerror = () => setFileError(`${file.name} could not be read`);
    reader.readAsText(file);
  };

  return (
    <div className={s.form}>
      <form
        aria-label="Import"
        className={s.form}
        onSubmit={(e) => {
          e.preventDefault();
          if (agentId && 'format' in read) {
            void run.check({ agentId, format: read.format, data: read.data });
          }
        }}
      >
        <AgentChooser label="Agent to import into" value={agentId} onChange={onAgent} disabled={locked} />
        <Field
          label="Export file"
          description="A file this page exported (any of the four formats), or one written in the same shape"
        >
          <input
            id={`${id}-file`}
            type="file"
            accept="application/json,.json"
            disabled={locked}
            onChange={(e) => load(e.currentTarget.files?.[0])}
          />
        </Field>
        <Field label="Or paste it">
          <TextArea
            id={`${id}-text`}
            rows={6}
            value={text}
            disabled={locked}
            onChange={(e) => setText(e.currentTarget.value)}
          />
        </Field>
        {fileError && <span role="alert">{fileError}</span>}
        {text.trim() !== '' && (
          <span role="status" className={s.muted}>
            {'problem' in read
              ? read.problem
              : `Format: ${FORMATS.find((f) => f.value === read.format)?.label ?? read.format}`}
          </span>
        )}
        {run.stage.step === 'edit' && (
          <div>
            <Button type="submit" icon="eye" disabled={!agentId || 'problem' in read || run.busy}>
              {run.busy ? 'Checking…' : 'Preview the import'}
            </Button>
          </div>
        )}
      </form>
      {run.error && (
        <Alert severity="error" title="The import was refused" onRemove={run.clearError}>
          {run.error.message}
        </Alert>
      )}
      {run.stage.step === 'preview' && (
        <>
          <ChecksumNote verified={run.stage.preview.checksumVerified} />
          <PlanPreview plan={run.stage.preview.plan} title="Import preview (dry run: nothing stored yet)" />
          <ConfirmPreview
            run={run}
            label="Confirm the import"
            busyLabel="Importing…"
            empty={!planChanges(run.stage.preview.plan)}
          />
        </>
      )}
      {run.stage.step === 'done' && (
        <>
          <PlanPreview plan={run.stage.result.plan} title="Imported" />
          <div>
            <Button
              variant="secondary"
              onClick={() => {
                setText('');
                run.back();
              }}
            >
              Import another
            </Button>
          </div>
        </>
      )}
    </div>
  );
}

function ChecksumNote({ verified }: { verified: boolean | null }) {
  if (verified === null) {
    return null;
  }
  return verified ? (
    <Alert severity="success" title="Checksum verified">
      The items are exactly the ones exported.
    </Alert>
  ) : (
    <Alert severity="warning" title="Checksum not verified">
      The file was changed after it was exported.
    </Alert>
  );
}
