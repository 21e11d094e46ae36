/**
 * The add and edit forms of a context item: the draft as typed, and what is sent for it. Kept
 * apart from the form so the tests pin down what a save sends (only what changed on an edit,
 * cleared fields as null) without a browser.
 */
import type { Context, ContextInput, ContextPatch, ContextType } from '@ai-arm/schemas';
import { instantText, utcInstant } from './format';

export interface ItemDraft {
  type: ContextType;
  content: string;
  key: string;
  userId: string;
  /** As typed: a ratio 0 to 1. */
  confidence: string;
  /** UTC, as typed (see utcInstant). */
  validFrom: string;
  validUntil: string;
  /** Comma-separated. */
  tags: string;
}

export const EMPTY_DRAFT: ItemDraft = {
  type: 'FACT',
  content: '',
  key: '',
  userId: '',
  confidence: '1',
  validFrom: '',
  validUntil: '',
  tags: '',
};

/** The draft of an existing item, for its edit form. */
export const draftOf = (item: Context): ItemDraft => ({
  type: item.type,
  content: item.content,
  key: item.key ?? '',
  userId: item.userId ?? '',
  confidence: String(item.confidence),
  validFrom: instantText(item.validFrom),
  validUntil: instantText(item.validUntil),
  tags: item.tags.join(', '),
});

/** Tags as the collector takes them: trimmed, no empties, no repeats, in the order typed. */
export const tagsOf = (text: string) => [
  ...new Set(
    text
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
  ),
];

/** Why the draft cannot be saved, in the words shown under the form; null when it can. */
export function draftProblem(d: ItemDraft): string | null {
  if (!d.content.trim()) {
    return 'Write what the agent should know.';
  }
  if (d.content.length > 32768) {
    return 'At most 32,768 characters.';
  }
  const c = Number(d.confidence);
  if (d.confidence.trim() === '' || !Number.isFinite(c) || c < 0 || c > 1) {
    return 'Confidence is a number from 0 to 1.';
  }
  const from = utcInstant(d.validFrom);
  const until = utcInstant(d.validUntil);
  if (from === null || until === null) {
    return 'Valid from and until are UTC times such as 2026-03-01 or 2026-03-01 14:30.';
  }
  if (from && until && Date.parse(until) <= Date.parse(from)) {
    return 'Valid until is after valid from.';
  }
  if (d.key.trim().length > 128) {
    return 'The key is at most 128 characters.';
  }
  if (d.userId.trim().length > 255) {
    return 'The user is at most 255 characters.';
  }
  const tags = tagsOf(d.tags);
  if (tags.length > 32 || tags.some((t) => t.length > 64)) {
    return 'At most 32 tags of up to 64 characters.';
  }
  return null;
}

/** The body of POST /api/v1/context: only the optional fields that were filled in. */
export function itemInput(agentId: string, d: ItemDraft): ContextInput {
  const body: ContextInput = { agentId, type: d.type, content: d.content.trim(), confidence: Number(d.confidence) };
  const from = utcInstant(d.validFrom);
  const until = utcInstant(d.validUntil);
  if (d.key.trim()) {
    body.key = d.key.trim();
  }
  if (d.userId.trim()) {
    body.userId = d.userId.trim();
  }
  if (from) {
    body.validFrom = from;
  }
  if (until) {
    body.validUntil = until;
  }
  const tags = tagsOf(d.tags);
  if (tags.length > 0) {
    body.tags = tags;
  }
  return body;
}

const seconds = (iso: string | null) => (iso === null ? null : Math.floor(Date.parse(iso) / 1000));

/**
 * The body of PATCH /api/v1/context/:id: the fields that differ from the item, a cleared key,
 * user or end of validity as null (a cleared start is left as it was: every item has one); null
 * when nothing changed.
 */
export function itemPatch(item: Context, d: ItemDraft): ContextPatch | null {
  const patch: ContextPatch = {};
  const content = d.content.trim();
  if (d.type !== item.type) {
    patch.type = d.type;
  }
  if (content !== item.content) {
    patch.content = content;
  }
  const key = d.key.trim() || null;
  if (key !== item.key) {
    patch.key = key;
  }
  const userId = d.userId.trim() || null;
  if (userId !== item.userId) {
    patch.userId = userId;
  }
  if (Number(d.confidence) !== item.confidence) {
    patch.confidence = Number(d.confidence);
  }
  // The form shows whole seconds: an item's milliseconds are not a change the user made.
  const from = utcInstant(d.validFrom);
  if (from && seconds(from) !== seconds(item.validFrom)) {
    patch.validFrom = from;
  }
  const until = utcInstant(d.validUntil) || null;
  if (seconds(until) !== seconds(item.validUntil)) {
    patch.validUntil = until;
  }
  const tags = tagsOf(d.tags);
  if (tags.join('\n') !== item.tags.join('\n')) {
    patch.tags = tags;
  }
  return Object.keys(patch).length > 0 ? patch : null;
}
