import { chatVendor, chatVendorNames, embeddingVendor } from '../connectors/models';
import type { ContextSettings, ContextSettingsPatch, EvaluatorModel } from '@ai-arm/schemas';
import { audited } from '../audit/audited';
import type { AuditedRequest } from '../audit/context';
import { ApiError } from '../errors';
import type { ControlPlaneDb, SqlExecutor } from '../stores/postgres/types';

interface Row {
  extractor: EvaluatorModel | null;
  embeddings: EvaluatorModel | null;
}

const NONE: ContextSettings = { extractor: null, embeddings: null };

/**
 * The organisation's context models (Postgres context_settings): the LLM extractor (an OpenAI or
 * Anthropic connection and model; null: the rules extractor) and the embedding model (an OpenAI
 * connection; null: all-MiniLM-L6-v2 offline). Every role reads them; admins change them, audited.
 */
export class ContextSettingsStore {
  constructor(private readonly db: ControlPlaneDb) {}

  async get(organizationId: string): Promise<ContextSettings> {
    return (await this.row(this.db, organizationId)) ?? { ...NONE };
  }

  /** Fields left out keep their value; null turns that model off. Says the settings before the change too (read in its transaction). */
  async patch(request: AuditedRequest, patch: ContextSettingsPatch): Promise<{ before: ContextSettings; after: ContextSettings }> {
    const org = request.organizationId;
    if (patch.extractor) await this.checkConnection(org, patch.extractor, chatVendor, `an ${chatVendorNames()}`, 'extractor');
    if (patch.embeddings) await this.checkConnection(org, patch.embeddings, embeddingVendor, 'an OpenAI', 'embeddings');
    const next = await audited(this.db, request, async (tx) => {
      const before = await this.row(tx, org);
      const after: ContextSettings = {
        extractor: patch.extractor === undefined ? (before?.extractor ?? null) : patch.extractor,
        embeddings: patch.embeddings === undefined ? (before?.embeddings ?? null) : patch.embeddings,
      };
      await tx.query(
        `INSERT INTO context_settings (organization_id, extractor, embeddings, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (organization_id) DO UPDATE SET extractor = EXCLUDED.extractor, embeddings = EXCLUDED.embeddings, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [org, after.extractor === null ? null : JSON.stringify(after.extractor), after.embeddings === null ? null : JSON.stringify(after.embeddings), request.principal.actorName],
      );
      return { result: { before: before ?? { ...NONE }, after }, audit: { action: 'context_settings.update', resourceType: 'context_settings', resourceId: org, before: before ?? NONE, after } };
    });
    return next!;
  }

  private async row(db: SqlExecutor, organizationId: string): Promise<ContextSettings | null> {
    const [row] = await db.query<Row>('SELECT extractor, embeddings FROM context_settings WHERE organization_id = $1', [organizationId]);
    return row ? { extractor: row.extractor ?? null, embeddings: row.embeddings ?? null } : null;
  }

  /** The models run on one of the organisation's own connections of the right vendor. */
  private async checkConnection(organizationId: string, m: EvaluatorModel, fits: (vendor: string) => boolean, want: string, field: 'extractor' | 'embeddings'): Promise<void> {
    const [c] = await this.db.query<{ vendor: string }>('SELECT vendor FROM connections WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL', [organizationId, m.connectionId]);
    if (!c) throw new ApiError('VALIDATION_ERROR', `no connection ${m.connectionId} in this organisation`, { field: `body/${field}/connectionId` });
    if (!fits(c.vendor)) {
      throw new ApiError('VALIDATION_ERROR', `the ${field === 'extractor' ? 'extractor' : 'embedding model'} runs on ${want} connection, not ${c.vendor}`, { field: `body/${field}/connectionId` });
    }
  }
}
