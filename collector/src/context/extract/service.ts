import type { ExtractRequest, ExtractResult } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import type { AuditedRequest } from '../../audit/context';
import type { InteractionInput } from '../../interactions/interaction';
import type { CredentialVault } from '../../security/envelope-crypto';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import type { ContextStore } from '../items/store';

export interface ExtractionDeps {
  controlPlane: ControlPlaneDb;
  telemetry: TelemetryDb;
  store: ContextStore;
  /** Opens the extractor connection's key; null without ARM_MASTER_KEY (the rules extractor then). */
  vault: CredentialVault | null;
  log: Logger;
  now?: () => number;
}

/** Context capture: from pushed interactions as they arrive (content capture on), and on request over stored ones. */
export class ContextExtraction {
  constructor(readonly deps: ExtractionDeps) {}

  /** POST /api/v1/context/extract. */
  async extract(_request: AuditedRequest, _body: ExtractRequest): Promise<ExtractResult> {
    throw new Error('not built yet');
  }

  /** The push path offers each newly stored interaction; with capture on its context is extracted in the background. */
  offer(_organizationId: string, _agentId: string, _item: InteractionInput, _capture: boolean): void {}

  /** Waits for the extractions in flight (shutdown). */
  async close(): Promise<void> {}
}
