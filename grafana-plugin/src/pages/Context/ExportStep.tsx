import React, { useEffect, useId, useState } from 'react';
import { Alert, Button, Field, InlineSwitch, LinkButton, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import type { AgentView as Agent, ExportFormat } from '@ai-arm/schemas';
import { collector, type CollectorError } from '../../api/collector';
import { useCollector } from '../../api/useCollector';
import { AgentChooser } from './AgentChooser';
import { contextPaths } from './api';
import { exportEntries, exportFilename, FORMATS } from './plan';
import { getContextStyles } from './styles';

interface Prepared {
  /** The choices it was made for. */
  choices: string;
  filename: string;
  url: string;
  entries: { count: number; what: string };
  checksum?: string;
}

/**
 * An agent's context as a file: AI-ARM's own format (lossless, checksummed), OpenAI's, Anthropic's
 * or plain JSON. The collector's answer is saved as the file (its JSON envelope left off), so the
 * file imports again as it is. (The Governance page's Download links a file the collector serves
 * itself; an export is an envelope, so it is fetched and saved here.)
 */
export function ExportStep({ agentId, onAgent }: { agentId?: string; onAgent: (id: string | undefined) => void }) {
  const s = useStyles2(getContextStyles);
  const id = useId();
  const [format, setFormat] = useState<ExportFormat>('ARM_NATIVE');
  const [includeSuperseded, setIncludeSuperseded] = useState(false);
  const [prepared, setPrepared] = useState<Prepared | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CollectorError | null>(null);
  const agent = useCollector<Agent>(agentId ? contextPaths.agent(agentId) : null);
  const choices = JSON.stringify([agentId, format, includeSuperseded]);
  // A file made for other choices is not offered.
  const ready = prepared?.choices === choices ? prepared : null;
  // The file's object URL is let go once another replaces it or the page closes.
  useEffect(
    () => () => {
      if (prepared) {
        URL.revokeObjectURL(prepared.url);
      }
    },
    [prepared]
  );

  const make = async () => {
    if (!agentId) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await collector<unknown>(contextPaths.export, {
        params: { agentId, format, includeSuperseded: includeSuperseded ? 'true' : undefined },
      });
      const text = JSON.stringify(r.data, null, 2);
      const { checksum, sourceAgent } = r.data as { checksum?: string; sourceAgent?: { name?: string } };
      setPrepared({
        choices,
        filename: exportFilename(sourceAgent?.name ?? agent.data?.name ?? agentId, format, new Date()),
        url: URL.createObjectURL(new Blob([text], { type: 'application/json' })),
        entries: exportEntries(r.data),
        ...(checksum ? { checksum } : {}),
      });
    } catch (err) {
      setError(err as CollectorError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      aria-label="Export"
      className={s.form}
      onSubmit={(e) => {
        e.preventDefault();
        void make();
      }}
    >
      <AgentChooser label="Agent to export" value={agentId} onChange={onAgent} />
      <Field label="Format" description={FORMATS.find((f) => f.value === format)?.description}>
        <RadioButtonGroup<ExportFormat>
          size="sm"
          options={FORMATS.map((f) => ({ label: f.label, value: f.value }))}
          value={format}
          onChange={setFormat}
        />
      </Field>
      <InlineSwitch
        id={`${id}-superseded`}
        label="Include superseded items"
        showLabel
        value={includeSuperseded}
        onChange={(e) => setIncludeSuperseded(e.currentTarget.checked)}
      />
      {error && (
        <Alert severity="error" title="The export failed" onRemove={() => setError(null)}>
          {error.message}
        </Alert>
      )}
      <div className={s.actions}>
        <Button type="submit" icon="file-alt" disabled={!agentId || busy}>
          {busy ? 'Exporting…' : 'Export'}
        </Button>
        {ready && (
          <>
            <LinkButton icon="download-alt" href={ready.url} download={ready.filename}>
              Download {ready.filename}
            </LinkButton>
            <span role="status" className={s.muted}>
              {ready.entries.count} {ready.entries.what}
              {ready.checksum ? `, checksum ${ready.checksum.slice(0, 19)}…` : ''}
            </span>
          </>
        )}
      </div>
    </form>
  );
}
