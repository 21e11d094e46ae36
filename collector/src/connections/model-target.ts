import { chatVendor, chatVendorNames } from '../connectors/models';
import type { CredentialVault } from '../security/envelope-crypto';
import type { SqlExecutor } from '../stores/postgres/types';
import { ConnectionStore } from './store';
import { supportedVendor } from './vendors';

/** A model to call through one of the organisation's OpenAI or Anthropic connections: its base URL and key. */
export interface ModelTarget {
  vendor: 'OPENAI' | 'ANTHROPIC';
  baseUrl: string;
  apiKey: string;
  model: string;
}

/**
 * The connection an organisation chose for a model (the grounding evaluator, the context
 * extractor) opened for a call, or why it cannot be: gone, another vendor, no stored key. `role`
 * names it in that reason.
 */
export async function modelTarget(db: SqlExecutor, vault: CredentialVault, organizationId: string, connectionId: string, model: string, role: string): Promise<ModelTarget | string> {
  const connections = new ConnectionStore(db);
  const c = await connections.get(organizationId, connectionId);
  if (!c) return `the ${role} connection ${connectionId} is gone`;
  if (!chatVendor(c.vendor)) return `the ${role} connection is ${c.vendor}, not ${chatVendorNames()}`;
  const apiKey = await connections.secret(vault, organizationId, connectionId);
  if (!apiKey) return `the ${role} connection has no stored key`;
  return { vendor: c.vendor, baseUrl: c.baseUrl ?? supportedVendor(c.vendor)!.defaultBaseUrl, apiKey, model };
}
