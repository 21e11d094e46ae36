import React from 'react';
import { Button, Field, RadioButtonGroup } from '@grafana/ui';
import { WINDOWS, windowRange, type Range, type WindowKey } from './window';

/** The window figures are read over, ending now, and Refresh (the same window, ending now again). */
export function WindowPicker({ range, onRange }: { range: Range; onRange: (r: Range) => void }) {
  return (
    <>
      <Field label="Window">
        <RadioButtonGroup<WindowKey>
          size="sm"
          options={WINDOWS.map((w) => ({ label: w.label, value: w.value }))}
          value={range.key}
          onChange={(key) => onRange(windowRange(key))}
        />
      </Field>
      <Button size="sm" variant="secondary" icon="sync" onClick={() => onRange(windowRange(range.key))}>
        Refresh
      </Button>
    </>
  );
}
