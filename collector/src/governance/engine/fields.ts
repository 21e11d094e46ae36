import { POLICY_FIELDS } from '@ai-arm/schemas';

/**
 * The fields a condition can name, resolved once at compile time to a slot the per-subject
 * reading caches by, so the hot loop never parses a field name.
 */
export const Slot = { Request: 0, Response: 1, Vendor: 2, Type: 3, AgentId: 4, Model: 5, Cost: 6, Tokens: 7, Metadata: 8 } as const;
export type Slot = (typeof Slot)[keyof typeof Slot];

/** content: long free text; label: a short name; number: a number; metadata: text that may hold a number. */
export type FieldKind = 'content' | 'label' | 'number' | 'metadata';

export interface FieldRef {
  readonly name: string;
  readonly slot: Slot;
  readonly kind: FieldKind;
  /** The attribute's key, for metadata.<key>. */
  readonly key: string | null;
}

const FIXED: Record<(typeof POLICY_FIELDS)[number], [Slot, FieldKind]> = {
  'request.content': [Slot.Request, 'content'],
  'response.content': [Slot.Response, 'content'],
  'agent.vendor': [Slot.Vendor, 'label'],
  'agent.type': [Slot.Type, 'label'],
  'agent.id': [Slot.AgentId, 'label'],
  model: [Slot.Model, 'label'],
  'cost.usd': [Slot.Cost, 'number'],
  'tokens.total': [Slot.Tokens, 'number'],
};

const METADATA = 'metadata.';

/** The field a condition names, or null when it names none a policy can test. */
export function fieldOf(name: string): FieldRef | null {
  const fixed = (FIXED as Record<string, [Slot, FieldKind] | undefined>)[name];
  if (fixed) return { name, slot: fixed[0], kind: fixed[1], key: null };
  if (name.startsWith(METADATA) && name.length > METADATA.length) return { name, slot: Slot.Metadata, kind: 'metadata', key: name.slice(METADATA.length) };
  return null;
}

export const isText = (f: FieldRef) => f.kind !== 'number';
