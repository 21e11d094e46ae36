import React from 'react';
import { Button, ConfirmButton } from '@grafana/ui';

interface Props {
  /** The button's accessible name: which row it deletes. */
  label: string;
  /** What the confirming button says. */
  confirmText: string;
  disabled?: boolean;
  onConfirm: () => void;
}

/** A table row's Delete, confirmed before anything is deleted. */
export function RowDelete({ label, confirmText, disabled, onConfirm }: Props) {
  return (
    <ConfirmButton
      size="sm"
      confirmText={confirmText}
      confirmVariant="destructive"
      disabled={disabled}
      onConfirm={onConfirm}
    >
      <Button size="sm" variant="secondary" icon="trash-alt" aria-label={label}>
        Delete
      </Button>
    </ConfirmButton>
  );
}
