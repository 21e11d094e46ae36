import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { vendorError } from '../http/errors';
import { tokensOf } from '../judge';

/** The dimensions of OpenAI's embedding models, as the real API gives them by default. */
export const SIM_EMBEDDING_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** A word's few signed positions: the same word lands on the same dimensions in every text. */
function positions(word: string, dims: number): { at: number; sign: number }[] {
  const h = createHash('sha256').update(word).digest();
  return [0, 4, 8].map((o) => ({ at: h.readUInt32LE(o) % dims, sign: h[o + 3]! & 1 ? 1 : -1 }));
}

/**
 * A deterministic pseudo-embedding: each word (lowercased, a plural's s dropped) adds to a few
 * hashed dimensions, and the vector is L2-normalised. Texts that share words point the same
 * way, so a search through the simulator finds what shares the query's words; nothing more.
 */
export function simulatedEmbedding(text: string, dims: number): Float32Array {
  const v = new Float32Array(dims);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const w of words) for (const p of positions(w.length > 3 ? w.replace(/s$/, '') : w, dims)) v[p.at]! += p.sign;
  let norm = 0;
  for (const x of v) norm += x * x;
  if (norm === 0) v[0] = 1;
  else for (let i = 0; i < dims; i++) v[i]! /= Math.sqrt(norm);
  return v;
}

/** POST /openai/v1/embeddings: OpenAI's embeddings API as its SDK calls it (float or base64 encoding, `dimensions` for the v3 models). */
export function openaiEmbeddingRoutes(app: FastifyInstance): void {
  app.post('/openai/v1/embeddings', async (request, reply) => {
    const body = (request.body ?? {}) as { model?: unknown; input?: unknown; encoding_format?: unknown; dimensions?: unknown };
    if (typeof body.model !== 'string' || body.model === '') return vendorError(reply, 'openai', 400, 'you must provide a model parameter', 'model');
    const native = SIM_EMBEDDING_DIMENSIONS[body.model];
    if (!native) return vendorError(reply, 'openai', 404, `The model \`${body.model}\` does not exist or you do not have access to it.`, 'model');
    const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) && body.input.every((x) => typeof x === 'string') ? (body.input as string[]) : null;
    if (!inputs || inputs.length === 0 || inputs.length > 2048) return vendorError(reply, 'openai', 400, "'input' must be a string or a non-empty array of at most 2048 strings", 'input');
    if (inputs.some((s) => s === '')) return vendorError(reply, 'openai', 400, "'input' cannot contain an empty string", 'input');
    let dims = native;
    if (body.dimensions !== undefined) {
      if (body.model === 'text-embedding-ada-002') return vendorError(reply, 'openai', 400, 'This model does not support specifying dimensions.', 'dimensions');
      if (typeof body.dimensions !== 'number' || !Number.isInteger(body.dimensions) || body.dimensions < 1 || body.dimensions > native) return vendorError(reply, 'openai', 400, `'dimensions' must be an integer from 1 to ${native}`, 'dimensions');
      dims = body.dimensions;
    }
    const format = body.encoding_format ?? 'float';
    if (format !== 'float' && format !== 'base64') return vendorError(reply, 'openai', 400, "'encoding_format' must be 'float' or 'base64'", 'encoding_format');
    const tokens = inputs.reduce((n, s) => n + tokensOf(s), 0);
    return {
      object: 'list',
      data: inputs.map((s, index) => {
        const v = simulatedEmbedding(s, dims);
        return { object: 'embedding', index, embedding: format === 'base64' ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : Array.from(v) };
      }),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
  });
}
