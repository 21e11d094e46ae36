/** Keys of a message whose text is not what was said (roles, part types, ids, finish reasons). */
const NOT_TEXT = new Set(['role', 'type', 'id', 'name', 'finish_reason', 'tool_call_id', 'mime_type', 'uri']);
/** The most text a policy reads of one side: past this a prompt is cut, not evaluated whole. */
const MAX_TEXT = 1_048_576;

/** The text of GenAI messages (any of the shapes the mapping keeps: semconv parts, role/content pairs, plain text), one part per line. */
export function contentText(value: unknown): string {
  if (typeof value === 'string') return value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value;
  const parts: string[] = [];
  collect(value, 0, parts, 0);
  const text = parts.join('\n');
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
}

/**
 * Adds the strings under `v` to `parts`; returns the characters gathered so far. A module
 * function, not a closure made per call: this runs for every pushed answer.
 */
function collect(v: unknown, depth: number, parts: string[], size: number): number {
  if (size >= MAX_TEXT || depth > 32) return size;
  if (typeof v === 'string') {
    if (v.length === 0) return size;
    parts.push(v);
    return size + v.length + 1;
  }
  if (Array.isArray(v)) {
    for (const x of v) size = collect(x, depth + 1, parts, size);
  } else if (v !== null && typeof v === 'object') {
    for (const k in v) if (Object.hasOwn(v, k) && !NOT_TEXT.has(k)) size = collect((v as Record<string, unknown>)[k], depth + 1, parts, size);
  }
  return size;
}
