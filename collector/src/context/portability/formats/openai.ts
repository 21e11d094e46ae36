/**
 * OPENAI: what an OpenAI assistant takes. Standing instructions and preferences become its
 * `instructions` text; facts, intents and conversations become files for a vector store (its
 * file_search tool), one per type: facts.md, intents.md, conversations.md. See markdown.ts for
 * the text's form; confidence, validity, tags and metadata do not travel this way.
 */
import type { Context, ContextType } from '@ai-arm/schemas';
import { ApiError } from '../../../errors';
import { entriesText, parseEntries, SECTION, sectionsText, type ParsedEntry } from './markdown';
import { checkPortable, isObject, MAX_IMPORT_ENTRIES, type ParsedImport } from './portable';

/** The format's name in an export (ExportFormat), not a vendor. */
const FORMAT = 'OPENAI';

export interface OpenAiExport {
  format: 'OPENAI';
  instructions: string;
  files: { filename: string; content: string }[];
}

/** The types the instructions carry (in this order); the rest go to files. */
export const INSTRUCTION_TYPES: readonly ContextType[] = ['INSTRUCTION', 'PREFERENCE'];
const FILE_TYPES: readonly ContextType[] = ['FACT', 'INTENT', 'CONVERSATION'];
export const fileNameOf = (type: ContextType) => `${SECTION[type].toLowerCase()}.md`;
const typeOfFile = (name: string): ContextType | null => (Object.keys(SECTION) as ContextType[]).find((t) => fileNameOf(t) === name.trim().toLowerCase()) ?? null;
/** What an entry of a vendor-shaped export is captured with: the text says nothing of how sure it is. */
export const TEXT_CONFIDENCE = 0.8;

export function toOpenAi(items: readonly Context[]): OpenAiExport {
  const files = FILE_TYPES.map((type) => ({ type, list: items.filter((i) => i.type === type) }))
    .filter((f) => f.list.length > 0)
    .map((f) => ({ filename: fileNameOf(f.type), content: `# ${SECTION[f.type]}\n\n${entriesText(f.list)}\n` }));
  return { format: 'OPENAI', instructions: sectionsText(items, INSTRUCTION_TYPES), files };
}

/** Parsed text entries into an import's items and refusals, numbered on from `parsed.entries`. */
export function collectEntries(parsed: ParsedImport, entries: readonly ParsedEntry[], where: string): void {
  for (const e of entries) {
    const index = parsed.entries++;
    if ('error' in e) {
      parsed.invalid.push({ index, reason: `${where} line ${e.line}: ${e.error}` });
      continue;
    }
    const item = checkPortable(e.entry, { times: false, metadata: false, defaultConfidence: TEXT_CONFIDENCE });
    if (typeof item === 'string') parsed.invalid.push({ index, reason: `${where} line ${e.line}: ${item}` });
    else parsed.items.push({ index, item });
  }
}

export function parseOpenAi(data: unknown): ParsedImport {
  const bad = (message: string, field: string) => new ApiError('VALIDATION_ERROR', message, { field });
  if (!isObject(data) || data.format !== FORMAT) throw bad('data must be an OPENAI export: an object with format "OPENAI", instructions and files', isObject(data) ? 'body/data/format' : 'body/data');
  if (typeof data.instructions !== 'string') throw bad('data.instructions must be a string (empty when there are none)', 'body/data/instructions');
  const files = data.files ?? [];
  if (!Array.isArray(files) || files.some((f) => !isObject(f) || typeof f.filename !== 'string' || typeof f.content !== 'string')) throw bad('data.files must be a list of { filename, content } strings', 'body/data/files');
  const parsed: ParsedImport = { entries: 0, items: [], invalid: [], checksumVerified: null, importedFrom: 'OPENAI' };
  collectEntries(parsed, parseEntries(data.instructions, null), 'instructions');
  (files as { filename: string; content: string }[]).forEach((f, i) => {
    const type = typeOfFile(f.filename);
    // A file of another name may still say its types with section headings.
    collectEntries(parsed, parseEntries(f.content, type), `files[${i}] (${f.filename.slice(0, 80)})${type ? '' : `, not one of ${Object.values(SECTION).map((s) => `${s.toLowerCase()}.md`).join(', ')},`}`);
  });
  if (parsed.entries > MAX_IMPORT_ENTRIES) throw bad(`the export holds ${parsed.entries} entries; one import takes at most ${MAX_IMPORT_ENTRIES}`, 'body/data');
  return parsed;
}
