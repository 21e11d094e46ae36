/**
 * A sentence embedder: texts in, one vector per text out (same order). Drift detection embeds
 * answers with it; semantic context search (issue 21) reuses it. Implementations are offline.
 */
export interface Embedder {
  /** Names the model, so stored vectors of different models are never compared. */
  readonly model: string;
  readonly dimensions: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}
