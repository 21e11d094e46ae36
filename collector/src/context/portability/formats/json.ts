/** JSON: the items' portable fields only, nothing of this installation (no ids, organisation or provenance). */
import type { Context } from '@ai-arm/schemas';
import type { Static } from '@sinclair/typebox';
import { JsonContextExport } from '@ai-arm/schemas';
import { ApiError } from '../../../errors';
import { checkPortable, isObject, MAX_IMPORT_ENTRIES, type ParsedImport } from './portable';

export type JsonExport = Static<typeof JsonContextExport>;

export function toJson(items: readonly Context[]): JsonExport {
  return {
    format: 'JSON',
    items: items.map((i) => ({ type: i.type, content: i.content, key: i.key, userId: i.userId, confidence: i.confidence, validFrom: i.validFrom, validUntil: i.validUntil, tags: [...i.tags] })),
  };
}

export function parseJson(data: unknown): ParsedImport {
  if (!isObject(data) || data.format !== 'JSON') throw new ApiError('VALIDATION_ERROR', 'data must be a JSON export: an object with format "JSON" and items', { field: isObject(data) ? 'body/data/format' : 'body/data' });
  if (!Array.isArray(data.items)) throw new ApiError('VALIDATION_ERROR', 'data.items must be the list of items', { field: 'body/data/items' });
  if (data.items.length > MAX_IMPORT_ENTRIES) throw new ApiError('VALIDATION_ERROR', `the export holds ${data.items.length} items; one import takes at most ${MAX_IMPORT_ENTRIES}`, { field: 'body/data/items' });
  const parsed: ParsedImport = { entries: data.items.length, items: [], invalid: [], checksumVerified: null, importedFrom: 'JSON' };
  data.items.forEach((raw, index) => {
    // JSON exports carry no metadata (a hand-written file's is ignored with the rest the format does not name);
    // validFrom may be left out of a hand-written entry (it is then the import's time).
    const item = checkPortable(raw, { times: false, metadata: false });
    if (typeof item === 'string') parsed.invalid.push({ index, reason: `items[${index}]: ${item}` });
    else parsed.items.push({ index, item });
  });
  return parsed;
}
