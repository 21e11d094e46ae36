import React, { useState } from 'react';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack } from '@grafana/ui';
import { collector, type CollectorError } from '../../api/collector';
import { saveSettings, validCollectorUrl } from './settings';

interface Me {
  role: string;
  name: string;
  organizationId: string;
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
    } catch (err) {
      setResult({ ok: false, message: (err as CollectorError).message });
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
        description="An AI-ARM API key (arm_sk_live_…): Grafana stores it encrypted and adds it to each request; it never reaches the browser"
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
      </Stack>
    </FieldSet>
  );
}
