import type { CapturePlan, Context, ContextInput, ContextListQuery, ContextPatch } from '@ai-arm/schemas';
import type { AuditedRequest } from '../../audit/context';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import type { ContextDraft, ContextIndexer } from './draft';

export interface ContextStoreDeps {
  controlPlane: ControlPlaneDb;
  telemetry: TelemetryDb;
  /** The vector index; items are stored without vectors (keyword search only) when absent. */
  indexer?: ContextIndexer | null;
  now?: () => number;
}

/**
 * The context vault's items (ClickHouse context_items): manual add, edit and delete (audited),
 * and capture, where drafts from the extractors, an import or a transfer are merged with what
 * the agent already holds (the same content: one item, its count and confidence raised) and a
 * newer PREFERENCE or INSTRUCTION supersedes an older one with the same key and user.
 */
export class ContextStore {
  constructor(readonly deps: ContextStoreDeps) {}

  async create(_request: AuditedRequest, _input: ContextInput): Promise<Context> {
    throw new Error('not built yet');
  }

  async update(_request: AuditedRequest, _id: string, _patch: ContextPatch): Promise<Context> {
    throw new Error('not built yet');
  }

  async remove(_request: AuditedRequest, _id: string): Promise<Context> {
    throw new Error('not built yet');
  }

  async get(_organizationId: string, _id: string): Promise<Context | null> {
    return null;
  }

  /** An organisation's items, newest first, a page at a time; superseded and deleted ones left out unless asked. */
  async list(_organizationId: string, _query: ContextListQuery): Promise<{ items: Context[]; nextCursor: string | null }> {
    return { items: [], nextCursor: null };
  }

  /** Every live item of one agent (export, transfer, preferences), oldest first. */
  async allOf(_organizationId: string, _agentId: string, _o: { includeSuperseded?: boolean } = {}): Promise<Context[]> {
    return [];
  }

  /** Drafts merged into what the agents hold; a dry run plans without writing. Invalid drafts are reported by index, the rest captured. */
  async capture(_organizationId: string, _drafts: readonly ContextDraft[], _o: { dryRun?: boolean } = {}): Promise<CapturePlan> {
    throw new Error('not built yet');
  }
}
