/** The four export formats: writing an agent's items in one, and reading one back for an import. */
import { createHash } from 'node:crypto';
import type { Context, ContextExport, ExportFormat } from '@ai-arm/schemas';
import { canonicalJson } from '../canonical';
import { toAnthropic, parseAnthropic, type AnthropicExport } from './anthropic';
import { toArmNative, parseArmNative } from './arm-native';
import { toJson, parseJson, type JsonExport } from './json';
import { toOpenAi, parseOpenAi, type OpenAiExport } from './openai';
import type { ParsedImport } from './portable';

export type AnyExport = ContextExport | OpenAiExport | AnthropicExport | JsonExport;

type ExportInput = { organizationId: string; agent: { id: string; name: string; vendor: string }; items: readonly Context[]; exportedAtMs: number };

/** Each format's writer and reader, by its name (export formats, not vendors: the OPENAI format is an assistant's shape). */
const FORMATS: Record<ExportFormat, { write: (o: ExportInput) => AnyExport; read: (data: unknown) => ParsedImport }> = {
  ARM_NATIVE: { write: (o) => toArmNative(o), read: parseArmNative },
  OPENAI: { write: (o) => toOpenAi(o.items), read: parseOpenAi },
  ANTHROPIC: { write: (o) => toAnthropic(o.items), read: parseAnthropic },
  JSON: { write: (o) => toJson(o.items), read: parseJson },
};

export function exportAs(format: ExportFormat, o: ExportInput): AnyExport {
  return FORMATS[format].write(o);
}

/**
 * Reads an export: a document of the wrong shape (or, ARM_NATIVE, a checksum that does not match)
 * throws a 400; bad entries are listed by index. What the items were imported from names the
 * document: ARM_NATIVE's checksum, else the format and the SHA-256 of the document's canonical
 * JSON. Named by its format alone, every later document of that format saying a thing again was
 * taken for the same one ("unchanged"), not as more observations of it.
 */
export function parseExport(format: ExportFormat, data: unknown): ParsedImport {
  const parsed = FORMATS[format].read(data);
  if (format !== 'ARM_NATIVE') parsed.importedFrom = `${format} sha256:${createHash('sha256').update(canonicalJson(data)).digest('hex')}`;
  return parsed;
}
