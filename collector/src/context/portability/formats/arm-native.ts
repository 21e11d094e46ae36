/**
 * ARM_NATIVE: every item as the vault holds it (ids, provenance, validity, tags, metadata), with
 * a checksum over the items. An import recomputes the checksum over the items as sent and
 * refuses the whole file when it differs: a changed export is not partly trusted.
 */
import type { Context, ContextExport } from '@ai-arm/schemas';
import { ApiError } from '../../../errors';
import { canonicalJson, checksumOf } from '../canonical';
import { checkPortable, isObject, MAX_IMPORT_ENTRIES, type ParsedImport } from './portable';

export function toArmNative(o: { organizationId: string; agent: { id: string; name: string; vendor: string }; items: readonly Context[]; exportedAtMs: number }): ContextExport {
  const items = [...o.items];
  return { format: 'ARM_NATIVE', version: 1, organizationId: o.organizationId, sourceAgent: { ...o.agent }, exportedAt: new Date(o.exportedAtMs).toISOString(), items, checksum: checksumOf(items) };
}

/**
 * What "identical" means for a round trip (export, import into another agent, export again):
 * the items' portable fields (type, content, key, user, confidence, validity, tags, metadata)
 * are equal, item for item, in no particular order. Left out, because an import makes them anew:
 * ids, the agent, timestamps of the vault (createdAt, updatedAt), the source (IMPORT, from the
 * checksum) and supersededBy (an id). The merge count comes along: an item said five times is
 * still said five times in its new agent.
 */
export function portableView(item: Context): Record<string, unknown> {
  return { type: item.type, content: item.content, key: item.key, userId: item.userId, confidence: item.confidence, validFrom: item.validFrom, validUntil: item.validUntil, tags: item.tags, metadata: item.metadata, mergedCount: item.mergedCount };
}

/** Items' portable views in a canonical order: two exports hold identical items when these are equal. */
export const portableSet = (items: readonly Context[]): string[] => items.map((i) => canonicalJson(portableView(i))).sort();

const bad = (message: string, field: string) => new ApiError('VALIDATION_ERROR', message, { field });

export function parseArmNative(data: unknown): ParsedImport {
  if (!isObject(data)) throw bad('data must be an ARM_NATIVE export: an object with format, version, items and checksum', 'body/data');
  if (data.format !== 'ARM_NATIVE') throw bad(`data.format is ${JSON.stringify(data.format ?? null)}, not ARM_NATIVE: send the format the export was written in`, 'body/data/format');
  if (data.version !== 1) throw bad(`data.version must be 1 (this collector reads version 1 exports), not ${JSON.stringify(data.version ?? null)}`, 'body/data/version');
  if (!Array.isArray(data.items)) throw bad('data.items must be the list of items', 'body/data/items');
  if (data.items.length > MAX_IMPORT_ENTRIES) throw bad(`the export holds ${data.items.length} items; one import takes at most ${MAX_IMPORT_ENTRIES}`, 'body/data/items');
  if (typeof data.checksum !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(data.checksum)) throw bad('data.checksum must be sha256:<64 hex digits>, as the export wrote it', 'body/data/checksum');
  const computed = checksumOf(data.items);
  if (computed !== data.checksum) {
    throw new ApiError('VALIDATION_ERROR', `the checksum does not match the items: the export says ${data.checksum} but its items hash to ${computed}, so they were changed after it was written. Nothing was imported; export again, or import it as JSON if the change was intended`, {
      field: 'body/data/checksum',
      expected: data.checksum,
      computed,
    });
  }
  const parsed: ParsedImport = { entries: data.items.length, items: [], invalid: [], checksumVerified: true, importedFrom: data.checksum, provenance: new Map() };
  data.items.forEach((raw, index) => {
    const item = checkPortable(raw, { times: true, metadata: true });
    if (typeof item === 'string') return void parsed.invalid.push({ index, reason: `items[${index}]: ${item}` });
    const merged = (raw as { mergedCount?: unknown }).mergedCount;
    if (merged !== undefined) {
      if (!Number.isInteger(merged) || (merged as number) < 1) return void parsed.invalid.push({ index, reason: `items[${index}]: mergedCount must be a whole number from 1` });
      item.mergedCount = merged as number;
    }
    parsed.items.push({ index, item });
    const source = (raw as { source?: unknown }).source;
    if (isObject(source)) {
      parsed.provenance!.set(index, {
        interactionId: typeof source.interactionId === 'string' ? source.interactionId : null,
        extractor: typeof source.extractor === 'string' ? source.extractor : null,
      });
    }
  });
  return parsed;
}
