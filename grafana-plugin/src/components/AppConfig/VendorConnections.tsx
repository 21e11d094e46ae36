import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import {
  Alert,
  Badge,
  Button,
  ConfirmButton,
  FieldSet,
  LoadingPlaceholder,
  SecretInput,
  Stack,
  useStyles2,
} from '@grafana/ui';
import { collector, type CollectorError } from '../../api/collector';
import type { Connection, ConnectionCheck, ConnectionRemoval, SupportedVendor } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { VENDOR_NAMES } from '../../constants';
import { ago } from '../../format';
import { LoadError } from '../shared/LoadError';
import { getTableStyles } from '../shared/tableStyles';
import { AddConnectionForm } from './AddConnectionForm';

const SOURCE: Record<Connection['source'], string | null> = {
  api: null,
  env: 'Set by the collector environment (OPENAI_ADMIN_KEY / ANTHROPIC_ADMIN_KEY); change it there',
  demo: 'The demo simulator; it goes away when credentials are configured',
};

/** The collector's vendor connections: status and last sync; test, rotate the key, remove and add (admins). */
export function VendorConnections() {
  const s = useStyles2(getStyles);
  const connections = useCollector<Connection[]>('/api/v1/connections');
  const vendors = useCollector<SupportedVendor[]>('/api/v1/connections/vendors');
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  /** The connection whose new key is being typed, and the key. */
  const [rotating, setRotating] = useState<{ id: string; key: string } | null>(null);

  const rotate = async (c: Connection, adminKey: string) => {
    setBusy(c.id);
    setNotice(null);
    try {
      // The collector checks the key against the vendor first: a wrong one leaves the old key working.
      await collector<Connection>(`/api/v1/connections/${c.id}`, {
        method: 'PATCH',
        data: { credentials: { adminKey } },
      });
      setRotating(null);
      setNotice({ ok: true, text: `${c.name}: key rotated; polling goes on from where it was` });
      connections.reload();
    } catch (err) {
      setNotice({ ok: false, text: `${c.name}: ${(err as CollectorError).message}` });
    } finally {
      setBusy(null);
    }
  };

  const act = async (c: Connection, what: 'test' | 'remove') => {
    setBusy(c.id);
    setNotice(null);
    try {
      if (what === 'test') {
        const r = await collector<ConnectionCheck>(`/api/v1/connections/${c.id}/test`, { method: 'POST' });
        setNotice(
          r.data.ok
            ? { ok: true, text: `${c.name}: the vendor accepted the key (${Math.round(r.data.latencyMs)} ms)` }
            : { ok: false, text: `${c.name}: ${r.data.error ?? 'the vendor refused the key'}` }
        );
      } else {
        const r = await collector<ConnectionRemoval>(`/api/v1/connections/${c.id}`, { method: 'DELETE' });
        setNotice({
          ok: true,
          text:
            r.data.history.action === 'merged'
              ? `${c.name} removed: another connection to the same account now checks its agents and holds its history`
              : `${c.name} removed: polling stopped, what it collected stays`,
        });
      }
      connections.reload();
    } catch (err) {
      setNotice({ ok: false, text: `${c.name}: ${(err as CollectorError).message}` });
    } finally {
      setBusy(null);
    }
  };

  return (
    <FieldSet label="Vendor connections">
      {connections.error ? (
        <LoadError title="Connections could not be loaded" error={connections.error} onRetry={connections.reload} />
      ) : !connections.data ? (
        <LoadingPlaceholder text="Loading connections…" />
      ) : connections.data.length === 0 ? (
        <Alert severity="info" title="No vendor connections yet">
          Add an admin key below; agents, usage and costs appear after the first sync.
        </Alert>
      ) : (
        <table className={s.table} aria-label="Vendor connections">
          <thead>
            <tr>
              <th>Name</th>
              <th>Vendor</th>
              <th>Status</th>
              <th>Key</th>
              <th>Last sync</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {connections.data.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{VENDOR_NAMES[c.vendor] ?? c.vendor}</td>
                <td>
                  <Badge
                    color={c.status === 'CONNECTED' ? 'green' : 'red'}
                    text={c.status.toLowerCase()}
                    tooltip={c.lastError ?? undefined}
                  />
                  {c.lastError && <div className={s.error}>{c.lastError}</div>}
                </td>
                <td>{c.credentialHint ?? '—'}</td>
                <td title={c.lastSyncAt ?? undefined}>{ago(c.lastSyncAt)}</td>
                <td>
                  {SOURCE[c.source] ? (
                    <span className={s.note}>{SOURCE[c.source]}</span>
                  ) : (
                    <Stack gap={1}>
                      <Button
                        size="sm"
                        variant="secondary"
                        disabled={busy === c.id}
                        onClick={() => act(c, 'test')}
                        aria-label={`Test ${c.name}`}
                      >
                        Test
                      </Button>
                      {rotating?.id === c.id ? (
                        <>
                          <SecretInput
                            aria-label={`New admin key for ${c.name}`}
                            width={30}
                            isConfigured={false}
                            value={rotating.key}
                            onChange={(e) => setRotating({ id: c.id, key: e.currentTarget.value })}
                            onReset={() => setRotating({ id: c.id, key: '' })}
                          />
                          <Button
                            size="sm"
                            disabled={busy === c.id || !rotating.key.trim()}
                            onClick={() => rotate(c, rotating.key.trim())}
                          >
                            Check and rotate
                          </Button>
                          <Button size="sm" variant="secondary" fill="text" onClick={() => setRotating(null)}>
                            Cancel
                          </Button>
                        </>
                      ) : (
                        <Button
                          size="sm"
                          variant="secondary"
                          disabled={busy === c.id}
                          onClick={() => setRotating({ id: c.id, key: '' })}
                          aria-label={`Rotate the key of ${c.name}`}
                        >
                          Rotate key
                        </Button>
                      )}
                      <ConfirmButton
                        size="sm"
                        confirmText="Remove"
                        confirmVariant="destructive"
                        onConfirm={() => act(c, 'remove')}
                        disabled={busy === c.id}
                      >
                        <span aria-label={`Remove ${c.name}`}>Remove</span>
                      </ConfirmButton>
                    </Stack>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {notice && (
        <Alert
          severity={notice.ok ? 'success' : 'error'}
          title={notice.ok ? 'Done' : 'That did not work'}
          onRemove={() => setNotice(null)}
        >
          {notice.text}
        </Alert>
      )}
      {vendors.error ? (
        <LoadError title="The supported vendors could not be loaded" error={vendors.error} onRetry={vendors.reload} />
      ) : vendors.data ? (
        <AddConnectionForm
          vendors={vendors.data}
          onAdded={(c) => {
            setNotice({ ok: true, text: `${c.name} added; its agents appear after the first sync` });
            connections.reload();
          }}
        />
      ) : null}
    </FieldSet>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: getTableStyles(theme),
  note: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  error: css({ color: theme.colors.error.text, fontSize: theme.typography.bodySmall.fontSize }),
});
