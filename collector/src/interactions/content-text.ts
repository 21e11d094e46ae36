/** Keys of a message whose text is not what was said (roles, part types, ids, finish reasons). */
const NOT_TEXT = new Set(['role', 'type', 'id', 'name', 'finish_reason', 'tool_call_id', 'mime_type', 'uri']);
/** The most text a policy reads of one side: past this a prompt is cut, not evaluated whole. */
const MAX_TEXT = 1_048_576;

/** The text of GenAI messages (any of the shapes the mapping keeps: semconv parts, role/content pairs, plain text), one part per line. */
export function contentText(value: unknown): string {
  const parts: string[] = [];
  let size = 0;
  const walk = (v: unknown, depth: number): void => {
    if (size >= MAX_TEXT || depth > 32) return;
    if (typeof v === 'string') {
      if (v.length === 0) return;
      parts.push(v);
      size += v.length + 1;
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
    } else if (v !== null && typeof v === 'object') {
      for (const k in v) if (Object.hasOwn(v, k) && !NOT_TEXT.has(k)) walk((v as Record<string, unknown>)[k], depth + 1);
    }
  };
  walk(value, 0);
  const text = parts.join('\n');
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
}
