import { miniLm } from '../../src/embeddings/minilm';

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('all-MiniLM-L6-v2, offline (the real model in WASM)', () => {
  it('embeds texts to unit 384-d vectors in order, paraphrases nearer than unrelated texts', async () => {
    const [a, b, c] = await miniLm.embed(['How do I reset my password?', 'What are the steps to change my password?', 'The invoice total is 42 euros.']);
    expect(a).toHaveLength(384);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 3);
    expect(cos(a!, b!)).toBeGreaterThan(cos(a!, c!) + 0.2);
    expect(await miniLm.embed([])).toEqual([]);
  });

  it('gives the same vectors in chunks as one by one (more than one engine call)', async () => {
    const texts = Array.from({ length: 20 }, (_, i) => `answer number ${i} about topic ${i % 3}`);
    const all = await miniLm.embed(texts);
    const one = await miniLm.embed([texts[17]!]);
    expect(all).toHaveLength(20);
    expect(cos(all[17]!, one[0]!)).toBeCloseTo(1, 5);
  });
});
