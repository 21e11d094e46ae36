import { createHash } from 'node:crypto';

/**
 * JSON with every object's keys sorted (by UTF-16 code unit, as Array.prototype.sort does),
 * no whitespace, and undefined members left out as JSON.stringify leaves them: the same items
 * give the same text whichever program wrote them, so their checksum can be recomputed anywhere.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/** An ARM_NATIVE export's checksum: sha256 of the canonical JSON of its items, as `sha256:<hex>`. */
export const checksumOf = (items: unknown): string => `sha256:${createHash('sha256').update(canonicalJson(items), 'utf8').digest('hex')}`;
