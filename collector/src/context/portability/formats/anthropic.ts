/**
 * ANTHROPIC: what a Claude managed agent takes. Standing instructions and preferences become its
 * `system` prompt (the same text as OPENAI's instructions); facts, intents and conversations
 * become memory entries with their type and key. A memory entry has no user: items about one
 * user keep their user only in the system prompt's sections.
 */
import type { Context, ContextType } from '@ai-arm/schemas';
import { ApiError } from '../../../errors';
import { parseEntries, sectionsText } from './markdown';
import { collectEntries, INSTRUCTION_TYPES, TEXT_CONFIDENCE } from './openai';
import { checkPortable, isObject, MAX_IMPORT_ENTRIES, type ParsedImport } from './portable';

/** The format's name in an export (ExportFormat), not a vendor. */
const FORMAT = 'ANTHROPIC';

export interface AnthropicExport {
  format: 'ANTHROPIC';
  system: string;
  memories: { key: string | null; type: ContextType; content: string }[];
}

export function toAnthropic(items: readonly Context[]): AnthropicExport {
  return {
    format: 'ANTHROPIC',
    system: sectionsText(items, INSTRUCTION_TYPES),
    memories: items.filter((i) => !INSTRUCTION_TYPES.includes(i.type)).map((i) => ({ key: i.key, type: i.type, content: i.content })),
  };
}

export function parseAnthropic(data: unknown): ParsedImport {
  const bad = (message: string, field: string) => new ApiError('VALIDATION_ERROR', message, { field });
  if (!isObject(data) || data.format !== FORMAT) throw bad('data must be an ANTHROPIC export: an object with format "ANTHROPIC", system and memories', isObject(data) ? 'body/data/format' : 'body/data');
  if (typeof data.system !== 'string') throw bad('data.system must be a string (empty when there is none)', 'body/data/system');
  const memories = data.memories ?? [];
  if (!Array.isArray(memories)) throw bad('data.memories must be a list of { key, type, content }', 'body/data/memories');
  if (memories.length > MAX_IMPORT_ENTRIES) throw bad(`the export holds ${memories.length} memories; one import takes at most ${MAX_IMPORT_ENTRIES}`, 'body/data/memories');
  const parsed: ParsedImport = { entries: 0, items: [], invalid: [], checksumVerified: null, importedFrom: 'ANTHROPIC' };
  collectEntries(parsed, parseEntries(data.system, null), 'system');
  memories.forEach((m, i) => {
    const index = parsed.entries++;
    // Only what a memory entry names is read: type, key and content.
    const item = isObject(m) ? checkPortable({ type: m.type, key: m.key, content: m.content }, { times: false, metadata: false, defaultConfidence: TEXT_CONFIDENCE }) : 'an entry must be an object';
    if (typeof item === 'string') parsed.invalid.push({ index, reason: `memories[${i}]: ${item}` });
    else parsed.items.push({ index, item });
  });
  if (parsed.entries > MAX_IMPORT_ENTRIES) throw bad(`the export holds ${parsed.entries} entries; one import takes at most ${MAX_IMPORT_ENTRIES}`, 'body/data');
  return parsed;
}
