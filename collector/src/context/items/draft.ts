import type { ContextSource, ContextType } from '@ai-arm/schemas';

/** An item about to be captured: what the extractors, an import and a transfer hand to ContextStore.capture. */
export interface ContextDraft {
  agentId: string;
  type: ContextType;
  content: string;
  key?: string | null;
  confidence: number;
  userId?: string | null;
  /** Epoch ms; default now. */
  validFromMs?: number;
  validUntilMs?: number | null;
  tags?: string[];
  metadata?: Record<string, unknown>;
  /** How many captures this draft already stands for (an ARM_NATIVE import carries the count over); default 1. */
  mergedCount?: number;
  source: ContextSource;
}

/** Where item changes go besides context_items: the vector index (context/index) embeds and stores their vectors. */
export interface ContextIndexer {
  /** Items created or changed (content, validity, supersede, delete): re-embedded when their content changed, their filters updated otherwise. */
  changed(organizationId: string, items: readonly import('@ai-arm/schemas').Context[]): Promise<void>;
}
