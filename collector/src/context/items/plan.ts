/**
 * What a capture does to an agent's items, decided without touching a store: each draft either
 * merges into an item that says the same thing (same normalised content, agent, type, key and
 * user), is already there from the same source (unchanged), or becomes a new item; and a
 * PREFERENCE or INSTRUCTION with a key supersedes the live one with the same agent, key and user
 * that was said before it (by validFrom: when it was said; a tie goes to the later capture).
 */
import { randomUUID } from 'node:crypto';
import { CONTEXT_TYPES, type CapturePlan, type Context } from '@ai-arm/schemas';
import type { ContextDraft } from './draft';
import { contentHash, SUPERSEDABLE } from './rows';

/** DateTime64(3) holds 1900 to 2299; the vault keeps to 1970 onwards. */
const MIN_MS = 0;
const MAX_MS = Date.UTC(2299, 11, 31);
/** How many sources a merged item remembers, so the same interaction or import is not counted twice. */
const MAX_CAPTURED_FROM = 100;
const TYPES = new Set<string>(CONTEXT_TYPES);

/** Why a draft cannot be stored, or null. (Agent membership is checked by the store.) */
export function draftProblem(d: ContextDraft): string | null {
  if (!TYPES.has(d.type)) return `type must be one of ${CONTEXT_TYPES.join(', ')}`;
  if (typeof d.content !== 'string' || d.content.trim() === '') return 'content is empty';
  if (d.content.length > 32768) return 'content is longer than 32768 characters';
  if (typeof d.confidence !== 'number' || !Number.isFinite(d.confidence) || d.confidence < 0 || d.confidence > 1) return 'confidence must be a number from 0 to 1';
  if (d.key !== undefined && d.key !== null && (d.key.trim() === '' || d.key.length > 128)) return 'key must be 1 to 128 characters';
  if (d.userId !== undefined && d.userId !== null && (d.userId === '' || d.userId.length > 255)) return 'userId must be 1 to 255 characters';
  if (d.tags && (d.tags.length > 32 || d.tags.some((t) => typeof t !== 'string' || t === '' || t.length > 64))) return 'tags: at most 32, each 1 to 64 characters';
  const from = d.validFromMs;
  if (from !== undefined && !(Number.isFinite(from) && from >= MIN_MS && from <= MAX_MS)) return 'validFrom must be between 1970 and 2299';
  const until = d.validUntilMs;
  if (until !== undefined && until !== null) {
    if (!(Number.isFinite(until) && until >= MIN_MS && until <= MAX_MS)) return 'validUntil must be between 1970 and 2299';
    if (until <= (from ?? Date.now())) return from === undefined ? 'validUntil must be in the future (or give validFrom)' : 'validUntil must be after validFrom';
  }
  return null;
}

/** Two captures that said the same thing are surer than either: 1 - (1-a)(1-b). */
export const noisyOr = (a: number, b: number) => Math.round((1 - (1 - a) * (1 - b)) * 10_000) / 10_000;

interface Working {
  item: Context;
  hash: string;
  isNew: boolean;
  merged: boolean;
  superseded: boolean;
  dirty: boolean;
}

export interface PlannedCapture {
  plan: Omit<CapturePlan, 'dryRun' | 'invalid'>;
  /** Every item to write (new or changed), in their final state. */
  writes: Context[];
  /** The item each draft landed on (created, merged into, or already holding it), by the draft's position in `drafts`. */
  landed: Context[];
}

const sourceRef = (s: Context['source']) => s.interactionId ?? s.importedFrom;
const capturedFrom = (c: Context): string[] => (Array.isArray(c.metadata.capturedFrom) ? (c.metadata.capturedFrom as unknown[]).filter((x): x is string => typeof x === 'string') : []);
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The plan for `drafts` (all valid, of agents of the organisation) against `existing`: the
 * agent's live items that share a hash or a key with them, superseded ones included.
 */
export function planCapture(existing: readonly Context[], drafts: readonly ContextDraft[], nowMs: number): PlannedCapture {
  const work: Working[] = existing.map((item) => ({ item: { ...item }, hash: contentHash(item), isNew: false, merged: false, superseded: false, dirty: false }));
  let unchanged = 0;
  const landed: Context[] = [];
  const now = iso(nowMs);

  const supersede = (w: Working): void => {
    const x = w.item;
    if (!SUPERSEDABLE.has(x.type) || !x.key || x.supersededBy !== null) return;
    const key = x.key.toLowerCase();
    for (const o of work) {
      const y = o.item;
      if (o === w || y.supersededBy !== null || y.type !== x.type || y.agentId !== x.agentId || (y.key ?? '').toLowerCase() !== key || y.userId !== x.userId) continue;
      if (Date.parse(x.validFrom) >= Date.parse(y.validFrom)) {
        y.supersededBy = x.id;
        y.updatedAt = now;
        o.superseded = true;
        o.dirty = true;
      } else {
        // Said before the one that holds the key: kept for history, superseded from the start.
        x.supersededBy = y.id;
        return;
      }
    }
  };

  // Item and source pairs this capture made or merged: a source said it before this capture, so
  // nothing new; said twice in it (two entries of one document), two observations, merged.
  const saidNow = new Set<string>();
  for (const d of drafts) {
    const draftItem = itemOf(d, now);
    const hash = contentHash(draftItem);
    const same = work.filter((w) => w.hash === hash);
    const target = same.find((w) => w.item.supersededBy === null) ?? same[same.length - 1];
    const ref = sourceRef(d.source);
    if (!target) {
      const w: Working = { item: draftItem, hash, isNew: true, merged: false, superseded: false, dirty: true };
      work.push(w);
      supersede(w);
      landed.push(w.item);
      if (ref !== null) saidNow.add(`${w.item.id}\n${ref}`);
      continue;
    }
    const t = target.item;
    if (ref !== null && !saidNow.has(`${t.id}\n${ref}`) && (sourceRef(t.source) === ref || capturedFrom(t).includes(ref))) {
      unchanged++;
      landed.push(t);
      continue;
    }
    t.mergedCount += draftItem.mergedCount;
    t.confidence = noisyOr(t.confidence, d.confidence);
    t.tags = [...new Set([...t.tags, ...draftItem.tags])].slice(0, 32);
    t.validUntil = t.validUntil === null || draftItem.validUntil === null ? null : Date.parse(draftItem.validUntil) > Date.parse(t.validUntil) ? draftItem.validUntil : t.validUntil;
    if (ref !== null) {
      t.metadata = { ...t.metadata, capturedFrom: [...capturedFrom(t), ref].slice(-MAX_CAPTURED_FROM) };
      saidNow.add(`${t.id}\n${ref}`);
    }
    t.updatedAt = now;
    if (!target.isNew) target.merged = true;
    target.dirty = true;
    // Said again (and later than what replaced it): the preference holds once more.
    if (t.supersededBy !== null && Date.parse(draftItem.validFrom) >= Date.parse(t.validFrom)) {
      t.validFrom = draftItem.validFrom;
      t.supersededBy = null;
    }
    supersede(target);
    landed.push(t);
  }

  const written = work.filter((w) => w.dirty);
  return {
    plan: {
      created: written.filter((w) => w.isNew).map((w) => w.item),
      merged: written.filter((w) => !w.isNew && w.merged).map((w) => w.item),
      superseded: written.filter((w) => !w.isNew && w.superseded).map((w) => w.item),
      unchanged,
    },
    writes: written.map((w) => w.item),
    landed,
  };
}

/** A new item from a draft, as it would be stored. */
function itemOf(d: ContextDraft, now: string): Context {
  return {
    id: randomUUID(),
    agentId: d.agentId.toLowerCase(),
    type: d.type,
    content: d.content.trim(),
    key: d.key ? d.key.trim().toLowerCase() : null,
    confidence: Math.round(d.confidence * 10_000) / 10_000,
    source: { type: d.source.type, interactionId: d.source.interactionId ?? null, extractor: d.source.extractor ?? null, importedFrom: d.source.importedFrom ?? null },
    userId: d.userId ?? null,
    validFrom: d.validFromMs === undefined ? now : iso(d.validFromMs),
    validUntil: d.validUntilMs === undefined || d.validUntilMs === null ? null : iso(d.validUntilMs),
    tags: [...new Set(d.tags ?? [])],
    supersededBy: null,
    mergedCount: d.mergedCount ?? 1,
    metadata: d.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
}
