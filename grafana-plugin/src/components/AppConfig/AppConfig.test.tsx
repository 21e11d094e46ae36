import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { PluginType } from '@grafana/data';
import type { Connection } from '@ai-arm/schemas';
import { collectorApi, configured, grafana } from '../../test-support/grafana';
import { bodyRows } from '../../test-support/table';
import AppConfig, { type AppConfigProps } from './AppConfig';

const SIMULATOR_OPENAI_KEY = 'sk-admin-simulator-openai-0001';

function renderConfig(meta: { jsonData?: Record<string, unknown>; secureJsonFields?: Record<string, boolean> }) {
  const plugin = {
    meta: { id: 'aiarm-app', name: 'AI-ARM', type: PluginType.app, enabled: true, pinned: true, ...meta },
  };
  return render(<AppConfig plugin={plugin as unknown as AppConfigProps['plugin']} query={{}} />);
}

const savedMeta = () => ({ jsonData: configured().jsonData, secureJsonFields: { apiKey: true } });
const connectionRows = () => bodyRows('Vendor connections');

describe('Config page against the real collector', () => {
  test('a first save stores the URL and the key, enables the app, and proves the key with the collector', async () => {
    grafana.reset(null);
    renderConfig({});
    const save = screen.getByRole('button', { name: /Save and test/ });
    expect(save).toBeDisabled();

    fireEvent.change(screen.getByLabelText('Collector URL'), { target: { value: 'ftp://collector' } });
    expect(screen.getByText(/starts with http/)).toBeInTheDocument();
    expect(save).toBeDisabled();

    const { collectorUrl } = configured().jsonData;
    const { apiKey } = configured().secureJsonData;
    fireEvent.change(screen.getByLabelText('Collector URL'), { target: { value: `${String(collectorUrl)}/` } });
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: apiKey } });
    fireEvent.click(save);

    expect(await screen.findByText('Signed in as Grafana app (grafana).')).toBeInTheDocument();
    // The key the README recommends: nothing to warn about.
    expect(screen.queryByText('This API key can do more than the app needs')).not.toBeInTheDocument();
    expect(grafana.saves).toEqual([
      { enabled: true, pinned: true, jsonData: { collectorUrl }, secureJsonData: { apiKey } },
    ]);
    // The key is write-only: the field shows it as configured and the page never renders it.
    expect(document.body.textContent).not.toContain(apiKey);
    expect(screen.getByRole('button', { name: 'Reset' })).toBeInTheDocument();
    // Saved settings open the vendor connections, read through the admin key.
    await waitFor(() => expect(connectionRows().length).toBeGreaterThanOrEqual(2), { timeout: 15000 });
    expect(screen.getAllByText(/The demo simulator/).length).toBeGreaterThanOrEqual(2);
  });

  test('changing only the URL keeps the stored key; reset and replace with a wrong key says so', async () => {
    renderConfig(savedMeta());
    fireEvent.change(screen.getByLabelText('Collector URL'), {
      target: { value: String(configured().jsonData.collectorUrl) },
    });
    fireEvent.click(screen.getByRole('button', { name: /Save and test/ }));
    expect(await screen.findByText(/Signed in as/)).toBeInTheDocument();
    expect(grafana.saves[0]).not.toHaveProperty('secureJsonData');
    expect(grafana.settings?.secureJsonData.apiKey).toBe(configured().secureJsonData.apiKey);

    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(screen.getByRole('button', { name: /Save and test/ })).toBeDisabled();
    fireEvent.change(screen.getByLabelText('API key'), {
      target: { value: 'arm_sk_live_RevokedOrMistypedKeyRevokedOrMisty01' },
    });
    fireEvent.click(screen.getByRole('button', { name: /Save and test/ }));
    const failed = await screen.findByText('The collector could not be used');
    expect(failed.closest('[role="alert"]')?.textContent).toMatch(
      /did not accept the API key saved on the configuration page/
    );
    expect(grafana.settings?.secureJsonData.apiKey).toBe('arm_sk_live_RevokedOrMistypedKeyRevokedOrMisty01');
  });

  test('a saved key broader than the grafana role is pointed out, on opening the page and after a save', async () => {
    const admin = process.env.AIARM_TEST_ADMIN_KEY!;
    grafana.reset({ ...configured(), secureJsonData: { apiKey: admin } });
    renderConfig(savedMeta());
    const warning = await screen.findByText('This API key can do more than the app needs');
    expect(warning.closest('[role="alert"]')?.textContent).toMatch(
      /collector role admin\. The app needs only a key with the grafana role.*reads the audit trail, for Admins\), but cannot manage users, API keys or the organisation/
    );

    // Replacing it with a grafana key clears the warning.
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: configured().secureJsonData.apiKey } });
    fireEvent.click(screen.getByRole('button', { name: /Save and test/ }));
    expect(await screen.findByText('Signed in as Grafana app (grafana).')).toBeInTheDocument();
    expect(screen.queryByText('This API key can do more than the app needs')).not.toBeInTheDocument();
    expect(document.body.textContent).not.toContain(admin);
  });

  test('adds a vendor connection with the fields the collector asks for (not an account connected already), tests it and removes it', async () => {
    const simulator = process.env.AIARM_TEST_SIMULATOR_URL!;
    const otherVendor = process.env.AIARM_TEST_OTHER_VENDOR_URL!;
    const name = `OpenAI staging ${Date.now()}`;
    renderConfig(savedMeta());
    await waitFor(() => expect(connectionRows().length).toBeGreaterThanOrEqual(2), { timeout: 15000 });
    const add = await screen.findByRole('button', { name: /Check and add/ }, { timeout: 10000 });

    fireEvent.click(screen.getByLabelText('OpenAI'));
    fireEvent.change(screen.getByLabelText('Connection name'), { target: { value: name } });
    fireEvent.change(screen.getByLabelText('API base URL'), { target: { value: `${simulator}/openai/v1` } });
    fireEvent.change(screen.getByLabelText('Admin API key'), { target: { value: 'sk-proj-not-an-admin-key' } });
    expect(screen.getByText(/does not look like a key of the form sk-admin-/)).toBeInTheDocument();
    expect(add).toBeDisabled();

    // Right shape, wrong key: the collector asks the vendor, and its refusal is shown.
    fireEvent.change(screen.getByLabelText('Admin API key'), {
      target: { value: 'sk-admin-ThisKeyWasNeverIssuedByTheVendor' },
    });
    fireEvent.click(add);
    const refused = await screen.findByText('The connection was not added');
    expect(refused.closest('[role="alert"]')?.textContent).toMatch(/key|401|auth/i);
    expect((await collectorApi<Connection[]>('GET', '/api/v1/connections')).some((c) => c.name === name)).toBe(false);

    // A working key to the account the demo already polls: connecting it twice would count its cost twice.
    fireEvent.change(screen.getByLabelText('Admin API key'), { target: { value: SIMULATOR_OPENAI_KEY } });
    fireEvent.click(add);
    await waitFor(() =>
      expect(screen.getByText('The connection was not added').closest('[role="alert"]')?.textContent).toMatch(
        /already connected as "OpenAI \(demo simulator\)"/
      )
    );
    expect((await collectorApi<Connection[]>('GET', '/api/v1/connections')).some((c) => c.name === name)).toBe(false);

    fireEvent.change(screen.getByLabelText('API base URL'), { target: { value: `${otherVendor}/openai/v1` } });
    fireEvent.click(add);
    expect(await screen.findByText(`${name} added; its agents appear after the first sync`)).toBeInTheDocument();
    const stored = (await collectorApi<Connection[]>('GET', '/api/v1/connections')).find((c) => c.name === name);
    expect(stored).toMatchObject({
      vendor: 'OPENAI',
      status: 'CONNECTED',
      source: 'api',
      credentialHint: expect.stringContaining('0001'),
    });
    const row = await screen.findByRole('row', { name: new RegExp(name) });
    expect(document.body.textContent).not.toContain(SIMULATOR_OPENAI_KEY);

    fireEvent.click(within(row).getByRole('button', { name: `Test ${name}` }));
    expect(await screen.findByText(new RegExp(`${name}: the vendor accepted the key`))).toBeInTheDocument();

    // Rotating the key: a key the vendor refuses changes nothing; a good one is stored in place.
    const rotateTo = async (key: string) => {
      fireEvent.change(within(row).getByLabelText(`New admin key for ${name}`), { target: { value: key } });
      fireEvent.click(within(row).getByRole('button', { name: 'Check and rotate' }));
    };
    fireEvent.click(within(row).getByRole('button', { name: `Rotate the key of ${name}` }));
    await rotateTo('sk-admin-ThisKeyWasNeverIssuedByTheVendor');
    expect(await screen.findByText(new RegExp(`${name}: the vendor refused this admin key`))).toBeInTheDocument();
    await rotateTo(SIMULATOR_OPENAI_KEY);
    expect(await screen.findByText(`${name}: key rotated; polling goes on from where it was`)).toBeInTheDocument();
    expect((await collectorApi<Connection[]>('GET', '/api/v1/connections')).find((c) => c.name === name)?.id).toBe(
      stored?.id
    );
    expect(document.body.textContent).not.toContain(SIMULATOR_OPENAI_KEY);

    fireEvent.click(within(row).getByLabelText(`Remove ${name}`));
    fireEvent.click(await within(row).findByRole('button', { name: 'Remove' }));
    expect(await screen.findByText(`${name} removed: polling stopped, what it collected stays`)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('row', { name: new RegExp(name) })).not.toBeInTheDocument());
    expect((await collectorApi<Connection[]>('GET', '/api/v1/connections')).some((c) => c.name === name)).toBe(false);
    expect(
      grafana.forwarded
        .filter((f) => f.method !== 'GET')
        .map((f) => [f.method, f.path.replace(/[0-9a-f-]{36}/, ':id'), f.status])
    ).toEqual([
      ['POST', 'collector/api/v1/connections', 400],
      ['POST', 'collector/api/v1/connections', 409],
      ['POST', 'collector/api/v1/connections', 201],
      ['POST', 'collector/api/v1/connections/:id/test', 200],
      ['PATCH', 'collector/api/v1/connections/:id', 400],
      ['PATCH', 'collector/api/v1/connections/:id', 200],
      ['DELETE', 'collector/api/v1/connections/:id', 200],
    ]);
  });

  test('when the collector is unreachable the connections section says so', async () => {
    grafana.reset({ ...configured(), jsonData: { collectorUrl: 'http://127.0.0.1:9' } });
    renderConfig(savedMeta());
    expect(await screen.findByText('Connections could not be loaded')).toBeInTheDocument();
    expect(screen.getAllByText(/Grafana could not reach the AI-ARM collector/).length).toBeGreaterThan(0);
  });
});
