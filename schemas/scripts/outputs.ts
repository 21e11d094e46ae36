import { join } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { ENTITY_SCHEMAS } from '../src/registry';
import { loadCatalogue } from '../src/metrics/catalogue';
import { SCHEMAS_ROOT } from '../src/paths';
import { renderMetricsDoc, renderRecorder } from './render-metrics';

export const JSON_SCHEMA_DIR = join(SCHEMAS_ROOT, 'json');
export const RECORDER_PATH = join(SCHEMAS_ROOT, '..', 'collector', 'src', 'metrics', 'instruments.generated.ts');

/** Every generated file, by absolute path, as the generator would write it now. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const schema of ENTITY_SCHEMAS) {
    files.set(join(JSON_SCHEMA_DIR, `${schema.$id}.schema.json`), `${JSON.stringify(toJsonSchemaFile(schema), null, 2)}\n`);
  }
  const catalogue = loadCatalogue();
  files.set(join(SCHEMAS_ROOT, 'METRICS.md'), renderMetricsDoc(catalogue));
  files.set(RECORDER_PATH, renderRecorder(catalogue));
  return files;
}

/**
 * One file per schema: its $id becomes the file name, and a schema nested inside another
 * (TypeBox inlines them) becomes a $ref to its own file, so each definition exists once.
 */
export function toJsonSchemaFile(schema: TSchema): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  const walk = (node: unknown, root: boolean): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, false));
    if (!node || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    if (!root && typeof obj.$id === 'string') return { $ref: `${obj.$id}.schema.json` };
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, k === '$id' ? `${v as string}.schema.json` : walk(v, false)]));
  };
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...(walk(plain, true) as Record<string, unknown>) };
}
