/**
 * Deterministic randomness: every value the simulator serves is a pure function of the
 * seed and the thing it describes (agent index, hour, key), so any window can be served
 * or re-served in any order without storing a year of data.
 */
export function hash32(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = String(part);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x7c; // separator, so ("ab","c") and ("a","bc") differ
    h = Math.imul(h, 0x01000193);
  }
  // final avalanche (murmur3 fmix32)
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A number in [0, 1) fixed by its parts. */
export const unit = (...parts: (string | number)[]) => hash32(...parts) / 4294967296;

/** An integer in [min, max] fixed by its parts. */
export const between = (min: number, max: number, ...parts: (string | number)[]) => min + Math.floor(unit(...parts) * (max - min + 1));

export function pick<T>(items: readonly T[], ...parts: (string | number)[]): T {
  return items[Math.floor(unit(...parts) * items.length)] as T;
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A vendor-looking id (`asst_` + 24 base62 characters) fixed by its parts. */
export function vendorId(prefix: string, length: number, ...parts: (string | number)[]): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += ALPHABET[hash32(...parts, i) % ALPHABET.length];
  return `${prefix}${out}`;
}
