import type { Context, ContextSearchQuery, ContextSearchResult } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import type { Embedder } from '../../embeddings/embedder';
import type { CredentialVault } from '../../security/envelope-crypto';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import type { ContextIndexer } from '../items/draft';

export interface ContextIndexDeps {
  controlPlane: ControlPlaneDb;
  telemetry: TelemetryDb;
  /** Opens an OpenAI embeddings connection's key; null without ARM_MASTER_KEY (MiniLM then). */
  vault: CredentialVault | null;
  log: Logger;
  /** The offline embedder (all-MiniLM-L6-v2 by default; tests may give another real one). */
  embedder?: Embedder;
}

/** Vectors of context items (one ClickHouse table and vector_similarity index per model and dimension) and hybrid search over them. */
export class ContextIndex implements ContextIndexer {
  constructor(readonly deps: ContextIndexDeps) {}

  async changed(_organizationId: string, _items: readonly Context[]): Promise<void> {}

  /** GET /api/v1/context/search. */
  async search(_organizationId: string, _query: ContextSearchQuery): Promise<ContextSearchResult> {
    throw new Error('not built yet');
  }

  async close(): Promise<void> {}
}
