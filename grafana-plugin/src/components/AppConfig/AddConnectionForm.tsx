import React, { useState } from 'react';
import { Alert, Button, Field, FieldSet, Input, RadioButtonGroup, SecretInput, Stack } from '@grafana/ui';
import { collector, type CollectorError } from '../../api/collector';
import type { Connection, SupportedVendor } from '@ai-arm/schemas';

/**
 * Adds a vendor connection with exactly the fields the collector says that vendor needs. The
 * collector checks the key against the vendor before storing it, so a wrong key fails here.
 */
export function AddConnectionForm({ vendors, onAdded }: { vendors: SupportedVendor[]; onAdded: (c: Connection) => void }) {
  const [vendor, setVendor] = useState(vendors[0]?.vendor ?? '');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const spec = vendors.find((v) => v.vendor === vendor);
  if (!spec) {
    return null;
  }

  const problems = Object.fromEntries(
    spec.fields.map((f) => {
      const v = (values[f.name] ?? '').trim();
      if (!v) {
        return [f.name, f.required ? `${f.label} is required` : null];
      }
      return [
        f.name,
        f.pattern && !new RegExp(f.pattern).test(v)
          ? `That does not look like ${f.placeholder ? `a key of the form ${f.placeholder}` : `a valid ${f.label}`}`
          : null,
      ];
    })
  );
  const touched = (field: string) => values[field] !== undefined;
  const canAdd = name.trim() && Object.values(problems).every((p) => !p) && !saving;

  const add = async () => {
    setSaving(true);
    setError(null);
    const { adminKey, baseUrl, ...rest } = Object.fromEntries(
      Object.entries(values)
        .map(([k, v]) => [k, v.trim()])
        .filter(([, v]) => v)
    );
    try {
      const created = await collector<Connection>('/api/v1/connections', {
        method: 'POST',
        data: { vendor, name: name.trim(), credentials: { adminKey, ...rest }, ...(baseUrl ? { baseUrl } : {}) },
      });
      setValues({});
      setName('');
      onAdded(created.data);
    } catch (err) {
      setError((err as CollectorError).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <FieldSet label="Add a vendor connection">
      <Field label="Vendor">
        <RadioButtonGroup
          options={vendors.map((v) => ({ label: v.name, value: v.vendor }))}
          value={vendor}
          onChange={(v) => {
            setVendor(v);
            setValues({});
            setError(null);
          }}
        />
      </Field>
      <Field label="Name" description="How this account shows in AI-ARM, e.g. OpenAI production">
        <Input aria-label="Connection name" width={40} value={name} onChange={(e) => setName(e.currentTarget.value)} />
      </Field>
      {spec.fields.map((f) => {
        const problem = touched(f.name) ? problems[f.name] : null;
        const set = (v: string) => setValues((prev) => ({ ...prev, [f.name]: v }));
        return (
          <Field
            key={`${vendor}-${f.name}`}
            label={f.label}
            description={f.help}
            required={f.required}
            invalid={Boolean(problem)}
            error={problem}
          >
            {f.secret ? (
              <SecretInput
                aria-label={f.label}
                width={60}
                isConfigured={false}
                placeholder={f.placeholder}
                value={values[f.name] ?? ''}
                onChange={(e) => set(e.currentTarget.value)}
                onReset={() => set('')}
              />
            ) : (
              <Input
                aria-label={f.label}
                width={60}
                placeholder={f.placeholder}
                value={values[f.name] ?? ''}
                onChange={(e) => set(e.currentTarget.value)}
              />
            )}
          </Field>
        );
      })}
      <Stack direction="column" gap={2}>
        <div>
          <Button icon={saving ? 'spinner' : 'plus'} disabled={!canAdd} onClick={add}>
            Check and add
          </Button>
        </div>
        {error && (
          <Alert severity="error" title="The connection was not added">
            {error}
          </Alert>
        )}
      </Stack>
    </FieldSet>
  );
}
