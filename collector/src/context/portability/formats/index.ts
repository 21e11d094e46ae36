/** The four export formats: writing an agent's items in one, and reading one back for an import. */
import type { Context, ContextExport, ExportFormat } from '@ai-arm/schemas';
import { toAnthropic, parseAnthropic, type AnthropicExport } from './anthropic';
import { toArmNative, parseArmNative } from './arm-native';
import { toJson, parseJson, type JsonExport } from './json';
import { toOpenAi, parseOpenAi, type OpenAiExport } from './openai';
import type { ParsedImport } from './portable';

export type AnyExport = ContextExport | OpenAiExport | AnthropicExport | JsonExport;

export function exportAs(format: ExportFormat, o: { organizationId: string; agent: { id: string; name: string; vendor: string }; items: readonly Context[]; exportedAtMs: number }): AnyExport {
  switch (format) {
    case 'ARM_NATIVE':
      return toArmNative(o);
    case 'OPENAI':
      return toOpenAi(o.items);
    case 'ANTHROPIC':
      return toAnthropic(o.items);
    case 'JSON':
      return toJson(o.items);
  }
}

/** Reads an export: a document of the wrong shape (or, ARM_NATIVE, a checksum that does not match) throws a 400; bad entries are listed by index. */
export function parseExport(format: ExportFormat, data: unknown): ParsedImport {
  switch (format) {
    case 'ARM_NATIVE':
      return parseArmNative(data);
    case 'OPENAI':
      return parseOpenAi(data);
    case 'ANTHROPIC':
      return parseAnthropic(data);
    case 'JSON':
      return parseJson(data);
  }
}
