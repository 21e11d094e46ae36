import type { ExportFormat, ImportRequest, ImportResult, InjectRequest, InjectResult, Preference, PreferenceInjection, TransferRequest, TransferResult } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import type { AuditedRequest } from '../../audit/context';
import type { VendorHosts } from '../../config/vendor-hosts';
import type { CredentialVault } from '../../security/envelope-crypto';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import type { ContextStore } from '../items/store';

export interface PortabilityDeps {
  controlPlane: ControlPlaneDb;
  store: ContextStore;
  /** Opens a connection's key to write an agent's instructions; null without ARM_MASTER_KEY. */
  vault: CredentialVault | null;
  vendorHosts: VendorHosts;
  log: Logger;
  now?: () => number;
}

/** Export, import and transfer of an agent's context, and preferences written into vendor agents' instructions (undoable). */
export class ContextPortability {
  constructor(readonly deps: PortabilityDeps) {}

  async export(_organizationId: string, _agentId: string, _format: ExportFormat, _o: { includeSuperseded?: boolean } = {}): Promise<unknown> {
    throw new Error('not built yet');
  }

  async import(_request: AuditedRequest, _body: ImportRequest): Promise<ImportResult> {
    throw new Error('not built yet');
  }

  async transfer(_request: AuditedRequest, _body: TransferRequest): Promise<TransferResult> {
    throw new Error('not built yet');
  }

  async preferences(_organizationId: string, _q: { agentId?: string; userId?: string }): Promise<Preference[]> {
    return [];
  }

  async inject(_request: AuditedRequest, _agentId: string, _body: InjectRequest): Promise<InjectResult> {
    throw new Error('not built yet');
  }

  async undo(_request: AuditedRequest, _agentId: string, _injectionId?: string): Promise<PreferenceInjection> {
    throw new Error('not built yet');
  }
}
