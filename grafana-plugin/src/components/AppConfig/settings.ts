import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import { PLUGIN_ID } from '../../constants';
import { describeFailure } from '../../api/collector';

export interface AppSettings {
  collectorUrl?: string;
}

/**
 * Saves the app's settings through Grafana. `enabled` and `pinned` default to false when left
 * out (which would disable the app), jsonData is replaced whole, and secureJsonData is merged per
 * key, so the key is sent only when the admin typed a new one.
 */
export async function saveSettings(jsonData: AppSettings, apiKey: string | null): Promise<void> {
  try {
    await lastValueFrom(
      getBackendSrv().fetch({
        url: `/api/plugins/${PLUGIN_ID}/settings`,
        method: 'POST',
        data: { enabled: true, pinned: true, jsonData, ...(apiKey ? { secureJsonData: { apiKey } } : {}) },
        showSuccessAlert: false,
        showErrorAlert: false,
      })
    );
  } catch (err) {
    const f = err as { status?: number; data?: { message?: string } };
    throw f.status
      ? new Error(`Grafana did not save the settings (${f.status}${f.data?.message ? `: ${f.data.message}` : ''})`)
      : describeFailure(err);
  }
}

/** `http(s)://host[:port][/path]`, no trailing slash: the route appends the API path to it. */
export function validCollectorUrl(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      return 'The collector URL starts with http:// or https://';
    }
    if (u.search || u.hash) {
      return 'Leave out any ?query or #fragment: Grafana drops them';
    }
    return null;
  } catch {
    return 'Enter the collector URL as Grafana reaches it, for example http://ai-arm-collector:8080';
  }
}
