import React, { useState } from 'react';
import { Alert, RadioButtonGroup } from '@grafana/ui';
import { Section } from '../../components/shared/Section';
import { hasRole } from '../../roles';
import { ExportStep } from './ExportStep';
import { ImportStep } from './ImportStep';
import { TransferStep } from './TransferStep';

type Mode = 'export' | 'import' | 'transfer';
const MODES: Array<{ label: string; value: Mode }> = [
  { label: 'Export', value: 'export' },
  { label: 'Import', value: 'import' },
  { label: 'Transfer', value: 'transfer' },
];

/**
 * Moving context between agents and vendors: export a file, import one (previewed first), or
 * transfer straight from one agent to another (previewed first). All three move an
 * organisation's data, so they are for Editors and Admins.
 */
export function Portability({
  agentId,
  onAgent,
  onOpenPreferences,
}: {
  agentId?: string;
  onAgent: (id: string | undefined) => void;
  onOpenPreferences: (agentId: string) => void;
}) {
  const [mode, setMode] = useState<Mode>('export');
  if (!hasRole('Editor')) {
    return (
      <Section title="Export, import, transfer">
        <Alert severity="info" title="For Editors and Admins">
          Exporting, importing and transferring context move the organisation&apos;s data; a Grafana Editor or Admin
          does them. Search and Browse show every agent&apos;s context.
        </Alert>
      </Section>
    );
  }
  return (
    <Section
      title="Export, import, transfer"
      actions={<RadioButtonGroup<Mode> size="sm" options={MODES} value={mode} onChange={setMode} />}
    >
      {mode === 'export' && <ExportStep agentId={agentId} onAgent={onAgent} />}
      {mode === 'import' && <ImportStep agentId={agentId} onAgent={onAgent} />}
      {mode === 'transfer' && <TransferStep onOpenPreferences={onOpenPreferences} />}
    </Section>
  );
}
