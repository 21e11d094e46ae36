/**
 * A capture plan (what an import, a transfer or an extraction did or, on a dry run, would do) in
 * words and figures, and the files an export is saved as and an import is read from.
 */
import type { CapturePlan, ExportFormat } from '@ai-arm/schemas';

export const FORMATS: ReadonlyArray<{ value: ExportFormat; label: string; description: string }> = [
  { value: 'ARM_NATIVE', label: 'AI-ARM', description: 'Every item with its metadata, checksummed: lossless' },
  { value: 'OPENAI', label: 'OpenAI', description: 'Assistant instructions and files for a vector store' },
  { value: 'ANTHROPIC', label: 'Anthropic', description: 'A system prompt and memory entries' },
  { value: 'JSON', label: 'JSON', description: 'The portable fields of each item, nothing of this installation' },
];
const FORMAT_VALUES = FORMATS.map((f) => f.value) as string[];

export interface PlanCounts {
  created: number;
  merged: number;
  superseded: number;
  unchanged: number;
  invalid: number;
}

export const planCounts = (p: CapturePlan): PlanCounts => ({
  created: p.created.length,
  merged: p.merged.length,
  superseded: p.superseded.length,
  unchanged: p.unchanged,
  invalid: p.invalid.length,
});

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * One sentence for the plan: "would" on a dry run, past tense once done; the parts that are zero
 * left out.
 */
export function planSummary(p: CapturePlan): string {
  const c = planCounts(p);
  const would = p.dryRun;
  const parts = [
    c.created && `${plural(c.created, 'new item', 'new items')} ${would ? 'would be' : ''} added`,
    c.merged && `${plural(c.merged, 'item', 'items')} ${would ? 'would be' : ''} merged into what the agent holds`,
    c.superseded && `${plural(c.superseded, 'older item', 'older items')} ${would ? 'would be' : ''} superseded`,
    c.unchanged && `${plural(c.unchanged, 'item', 'items')} already held`,
    c.invalid && `${plural(c.invalid, 'entry', 'entries')} refused`,
  ]
    .filter((x): x is string => Boolean(x))
    .map((x) => x.replace(/\s+/g, ' '));
  if (parts.length === 0) {
    return would
      ? 'Nothing would change: there is nothing to capture.'
      : 'Nothing changed: there was nothing to capture.';
  }
  const text = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

/** Whether confirming the plan would store anything (something new, merged or superseded). */
export const planChanges = (p: CapturePlan) => p.created.length + p.merged.length + p.superseded.length > 0;

/** The name an export is saved under: `<agent>-context-<format>-<UTC date>.json`, safe on any file system (no path, not hidden). */
export function exportFilename(agentName: string, format: ExportFormat, exportedAt: Date): string {
  const safe =
    agentName
      .normalize('NFKD')
      .replace(/[^\w.-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 60) || 'agent';
  return `${safe}-context-${format.toLowerCase().replace('_', '-')}-${exportedAt.toISOString().slice(0, 10)}.json`;
}

export type ReadExport = { format: ExportFormat; data: unknown } | { problem: string };

/**
 * An export file as read back for an import: the JSON the page saved (or the collector's
 * envelope around it), its format from its own `format` field. Anything else says why.
 */
export function readExport(text: string): ReadExport {
  if (!text.trim()) {
    return { problem: 'Choose an export file or paste one.' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { problem: `This is not JSON: ${(err as Error).message}` };
  }
  const envelope = parsed as { success?: unknown; data?: unknown };
  const data = envelope && typeof envelope === 'object' && envelope.success === true ? envelope.data : parsed;
  const format = (data as { format?: unknown } | null)?.format;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { problem: 'An export is a JSON object with a format field.' };
  }
  if (typeof format !== 'string' || !FORMAT_VALUES.includes(format)) {
    return {
      problem: `An export says its format (one of ${FORMAT_VALUES.join(', ')}); this one says ${JSON.stringify(format ?? null)}.`,
    };
  }
  return { format: format as ExportFormat, data };
}

/** How many entries an export holds, for the summary beside its download: items, memories or files. */
export function exportEntries(data: unknown): { count: number; what: string } {
  const d = (data ?? {}) as { items?: unknown[]; memories?: unknown[]; files?: unknown[] };
  if (Array.isArray(d.items)) {
    return { count: d.items.length, what: d.items.length === 1 ? 'item' : 'items' };
  }
  if (Array.isArray(d.memories)) {
    return { count: d.memories.length, what: d.memories.length === 1 ? 'memory entry' : 'memory entries' };
  }
  const files = Array.isArray(d.files) ? d.files.length : 0;
  return { count: files, what: files === 1 ? 'file' : 'files' };
}
