import React from 'react';
import { Button, useStyles2 } from '@grafana/ui';
import { getContextStyles } from './styles';

interface Props {
  /** The dry run whose preview is shown (useDryRun's). */
  run: { busy: boolean; confirm: () => Promise<void>; back: () => void };
  /** The confirm button's name, and what it says while the change is made. */
  label: string;
  busyLabel: string;
  /** The preview changes nothing: there is nothing to confirm. */
  empty: boolean;
}

/** Under a dry run's preview: make the change previewed, or go back to change the request. */
export function ConfirmPreview({ run, label, busyLabel, empty }: Props) {
  const s = useStyles2(getContextStyles);
  return (
    <div className={s.actions}>
      <Button icon="check" disabled={run.busy || empty} onClick={() => void run.confirm()}>
        {run.busy ? busyLabel : label}
      </Button>
      <Button variant="secondary" disabled={run.busy} onClick={run.back}>
        Back
      </Button>
    </div>
  );
}
