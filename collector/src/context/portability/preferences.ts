/**
 * Preferences as the PRD names them (an agent's live PREFERENCE items, by key), and the block
 * they are written into a vendor agent's instructions as. The block is fenced by HTML comments
 * (invisible where the instructions are rendered as markdown, plain to a model), one fence per
 * scope (the agent's own preferences, or one user's), so writing them again replaces the block
 * instead of appending another.
 */
import type { Context, Preference } from '@ai-arm/schemas';
import { entriesText } from './formats/markdown';

/** The category of a key: what comes before its first '.', or failing that its first '_' (response_format: response; communication_style.tone: communication_style). */
export function categoryOf(key: string | null): string {
  if (!key) return 'general';
  const dot = key.indexOf('.');
  const cut = dot > 0 ? dot : key.indexOf('_');
  return cut > 0 ? key.slice(0, cut) : key;
}

/** Examples a merged item kept in its metadata (`examples`: strings, or `example`: one). */
function examplesOf(metadata: Record<string, unknown>): string[] {
  const list = Array.isArray(metadata.examples) ? metadata.examples : typeof metadata.example === 'string' ? [metadata.example] : [];
  return list.filter((e): e is string => typeof e === 'string' && e !== '').slice(0, 20);
}

export function toPreference(item: Context): Preference {
  return {
    id: item.id,
    agentId: item.agentId,
    userId: item.userId,
    category: categoryOf(item.key),
    key: item.key ?? 'general',
    value: item.content,
    examples: examplesOf(item.metadata),
    confidence: item.confidence,
    // The last time a capture said it (a merge touches the item), or when it was made.
    lastObserved: item.updatedAt,
  };
}

/** Whether an item is a preference in force at `atMs`: not superseded, within its validity. */
export const livePreference = (item: Context, atMs: number): boolean =>
  item.type === 'PREFERENCE' && item.supersededBy === null && Date.parse(item.validFrom) <= atMs && (item.validUntil === null || Date.parse(item.validUntil) > atMs);

export const FENCE_END = '<!-- /ai-arm:preferences -->';
/** The opening fence of a scope: the agent's own preferences, or one user's (JSON-quoted, so any id is safe). */
export const fenceStart = (userId: string | null) => (userId === null ? '<!-- ai-arm:preferences -->' : `<!-- ai-arm:preferences user=${JSON.stringify(userId).replace(/--/g, '-\\u002d')} -->`);

/** The block the preferences are written as: fenced, titled, one entry per preference. */
export function preferenceBlock(prefs: readonly Preference[], userId: string | null): string {
  const title = userId === null ? "The user's preferences (kept by AI-ARM; follow them unless told otherwise):" : `Preferences of user ${JSON.stringify(userId)} (kept by AI-ARM; follow them when talking to this user):`;
  return [fenceStart(userId), title, entriesText(prefs.map((p) => ({ key: p.key, userId: null, content: p.value }))), FENCE_END].join('\n');
}

/**
 * The instructions with the scope's block put in: replacing the block already there (the first
 * opening fence of the scope to the next closing fence), else appended after a blank line. No
 * preferences: the block is taken out. Text outside the block is never touched.
 */
export function instructionsWith(before: string, prefs: readonly Preference[], userId: string | null): string {
  const start = fenceStart(userId);
  const at = before.indexOf(start);
  const end = at >= 0 ? before.indexOf(FENCE_END, at + start.length) : -1;
  const block = prefs.length > 0 ? preferenceBlock(prefs, userId) : '';
  if (at >= 0 && end >= 0) {
    const head = before.slice(0, at);
    const tail = before.slice(end + FENCE_END.length);
    if (block) return `${head}${block}${tail}`;
    // Taking the block out also takes the blank line that was put before it.
    return `${head.replace(/\n\n$/, '')}${tail}`;
  }
  if (!block) return before;
  return before.trim() === '' ? block : `${before.replace(/\s+$/, '')}\n\n${block}`;
}
