import React, { useEffect, useState } from 'react';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack } from '@grafana/ui';
import { collector, type CollectorError } from '../../api/collector';
import { saveSettings, validCollectorUrl } from './settings';

interface Me {
  role: string;
  name: string;
  organizationId: string;
}

/** The collector's key role made for this app: it reaches only the calls the app makes. */
export const APP_KEY_ROLE = 'grafana';

/** What a broader key lets anyone who gets past a plugin route do, in the admin's terms. */
function BroadKeyWarning({ me }: { me: Me }) {
  return (
    <Alert severity="warning" title="This API key can do more than the app needs">
      The saved key ({me.name}) has the collector role <strong>{me.role}</strong>. The app needs only a key with the{' '}
      <strong>{APP_KEY_ROLE}</strong> role, which reads agents and costs, pauses agents, sets budgets and manages vendor
      connections (and reads the audit trail, for Admins), but cannot manage users, API keys or the organisation. Create one (
      <code>POST /api/v1/api-keys</code> with <code>{`{"name":"Grafana","role":"${APP_KEY_ROLE}"}`}</code>, as a
      collector admin), save it here, then revoke this one if nothing else uses it.
    </Alert>
  );
}

interface Props {
  collectorUrl: string;
  keySaved: boolean;
  onSaved: () => void;
}

/** Collector URL and API key; after a save the app asks the collector who the key is. */
export function CollectorSettings({ collectorUrl: savedUrl, keySaved, onSaved }: Props) {
  const [url, setUrl] = useState(savedUrl);
  const [apiKey, setApiKey] = useState('');
  const [keySet, setKeySet] = useState(keySaved);
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<{ ok: true; me: Me } | { ok: false; message: string } | null>(null);
  // Who the saved key is, asked on opening the page too, so a broad key is pointed out before any save.
  const [me, setMe] = useState<Me | null>(null);

  useEffect(() => {
    if (!savedUrl || !keySaved) {
      return;
    }
    let live = true;
    // A failure here is shown by the connections below; this only looks for a broad key.
    collector<Me>('/api/auth/me')
      .then((r) => live && setMe(r.data))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [savedUrl, keySaved]);

  const urlError = url ? validCollectorUrl(url.trim()) : null;
  const canSave = Boolean(url.trim()) && !urlError && (keySet || apiKey.trim()) && !saving;

  const save = async () => {
    setSaving(true);
    setResult(null);
    try {
      await saveSettings({ collectorUrl: url.trim().replace(/\/+$/, '') }, apiKey.trim() || null);
      if (apiKey.trim()) {
        setKeySet(true);
        setApiKey('');
      }
      onSaved();
      const me = await collector<Me>('/api/auth/me');
      setResult({ ok: true, me: me.data });
      setMe(me.data);
    } catch (err) {
      setResult({ ok: false, message: (err as CollectorError).message });
      setMe(null);
    } finally {
      setSaving(false);
    }
  };

  return (
    <FieldSet label="Collector">
      <Field
        label="Collector URL"
        description="As Grafana's server reaches it (the browser never calls it directly)"
        invalid={Boolean(urlError)}
        error={urlError}
      >
        <Input
          id="collector-url"
          aria-label="Collector URL"
          width={60}
          placeholder="http://ai-arm-collector:8080"
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
        />
      </Field>
      <Field
        label="API key"
        description="An AI-ARM API key (arm_sk_live_…) with the grafana role: Grafana stores it encrypted and adds it to each request; it never reaches the browser"
      >
        <SecretInput
          id="collector-api-key"
          aria-label="API key"
          width={60}
          isConfigured={keySet}
          value={apiKey}
          placeholder="arm_sk_live_…"
          onChange={(e) => setApiKey(e.currentTarget.value)}
          onReset={() => {
            setKeySet(false);
            setApiKey('');
          }}
        />
      </Field>
      <Stack direction="column" gap={2}>
        <div>
          <Button onClick={save} disabled={!canSave} icon={saving ? 'spinner' : undefined}>
            Save and test
          </Button>
        </div>
        {result?.ok === true && (
          <Alert severity="success" title="Connected to the collector">
            Signed in as {result.me.name} ({result.me.role}).
          </Alert>
        )}
        {result?.ok === false && (
          <Alert severity="error" title="The collector could not be used">
            {result.message}
          </Alert>
        )}
        {me && me.role !== APP_KEY_ROLE && <BroadKeyWarning me={me} />}
      </Stack>
    </FieldSet>
  );
}
