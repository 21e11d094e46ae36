/**
 * Which vendors' models the collector calls itself (the grounding judge, the context extractor,
 * embeddings) through their SDKs. Code outside connectors/ asks these instead of naming a vendor.
 */
export const CHAT_VENDORS = ['OPENAI', 'ANTHROPIC'] as const;
export type ChatVendor = (typeof CHAT_VENDORS)[number];
export const chatVendor = (vendor: string): vendor is ChatVendor => (CHAT_VENDORS as readonly string[]).includes(vendor);

/** Embeddings: OpenAI's models (Anthropic offers none). */
export const embeddingVendor = (vendor: string): boolean => vendor === 'OPENAI';

/** The chat vendors by the name people read, for messages. */
export const chatVendorNames = (): string => 'OpenAI or Anthropic';
