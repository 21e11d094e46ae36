import type { HallucinationCheck, GroundingRequest } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import type { CredentialVault } from '../../security/envelope-crypto';
import type { InteractionInput } from '../../interactions/interaction';
import type { Instruments } from '../../metrics/instruments.generated';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';

export interface GroundingDeps {
  controlPlane: ControlPlaneDb;
  telemetry: TelemetryDb;
  metrics: Instruments;
  log: Logger;
  /** Decrypts the evaluator connection's key; null without ARM_MASTER_KEY (the LLM judge is then off). */
  vault: CredentialVault | null;
  now?: () => number;
}

/** Grounding checks: on request, and on sampled pushed interactions that carry retrieved context. */
export class GroundingService {
  constructor(readonly deps: GroundingDeps) {}

  /** POST /api/v1/quality/:agentId/evaluate: checks, stores and counts one response. */
  async evaluate(_organizationId: string, _agentId: string, _input: GroundingRequest): Promise<HallucinationCheck> {
    throw new Error('not built yet');
  }

  /** The push path offers each newly stored interaction; a sampled one with retrieved context is checked in the background. */
  sample(_organizationId: string, _agentId: string, _item: InteractionInput, _capture: boolean): void {}

  /** Waits for the checks in flight (shutdown). */
  async close(): Promise<void> {}
}
