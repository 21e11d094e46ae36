import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startSimulator, type Simulator } from '../../src/simulator/server';

/** The simulator's writes to agents' instructions (OpenAI assistant modify, Anthropic managed agent update), through the vendors' own SDKs. */
describe('agent instruction updates in the vendor simulator', () => {
  let sim: Simulator;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeAll(async () => {
    sim = await startSimulator({ now: Date.UTC(2026, 0, 5) / 1000, agents: 4 });
    openai = new OpenAI({ apiKey: sim.state.opts.keys.openaiAdmin, baseURL: sim.openaiBaseUrl, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: sim.state.opts.keys.anthropicAdmin, baseURL: sim.anthropicBaseUrl, maxRetries: 0 });
  });
  afterAll(() => sim.close());
  const first = (vendor: 'openai' | 'anthropic') => sim.state.world.agents.find((a) => a.vendor === vendor)!;

  it("changes an OpenAI assistant's instructions, seen by retrieve and the list", async () => {
    const a = first('openai');
    const updated = await openai.beta.assistants.update(a.id, { instructions: 'Be brief.\n\nUse French.' });
    expect(updated).toMatchObject({ id: a.id, object: 'assistant', instructions: 'Be brief.\n\nUse French.' });
    expect((await openai.beta.assistants.retrieve(a.id)).instructions).toBe('Be brief.\n\nUse French.');
    const listed: OpenAI.Beta.Assistant[] = [];
    for await (const x of openai.beta.assistants.list({ limit: 100 })) listed.push(x);
    expect(listed.find((x) => x.id === a.id)?.instructions).toBe('Be brief.\n\nUse French.');
    // A field of another type, an unknown assistant and a missing beta header are refused as OpenAI does.
    await expect(openai.beta.assistants.update(a.id, { instructions: 7 as unknown as string })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(openai.beta.assistants.update('asst_nope', { instructions: 'x' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const bare = await fetch(`${sim.openaiBaseUrl}/assistants/${a.id}`, { method: 'POST', headers: { authorization: `Bearer ${sim.state.opts.keys.openaiAdmin}`, 'content-type': 'application/json' }, body: '{"instructions":"x"}' });
    expect(bare.status).toBe(400);
    expect((await openai.beta.assistants.retrieve(a.id)).instructions).toBe('Be brief.\n\nUse French.');
  });

  it("changes an Anthropic managed agent's system prompt, raising its version, and refuses a stale version with 409", async () => {
    const a = first('anthropic');
    const before = await anthropic.beta.agents.retrieve(a.id);
    expect(before).toMatchObject({ id: a.id, version: 1 });
    const updated = await anthropic.beta.agents.update(a.id, { system: 'You are terse.', version: 1 });
    expect(updated).toMatchObject({ id: a.id, version: 2 });
    expect((updated as unknown as { system: string }).system).toBe('You are terse.');
    expect(a.instructions).toBe('You are terse.');
    // Written against version 1 again: someone else's change would be lost, so the API refuses.
    await expect(anthropic.beta.agents.update(a.id, { system: 'Stale.', version: 1 })).rejects.toBeInstanceOf(Anthropic.ConflictError);
    // Without a version it applies unconditionally.
    expect((await anthropic.beta.agents.update(a.id, { system: 'Latest.' })).version).toBe(3);
    const listed = [];
    for await (const x of anthropic.beta.agents.list({ limit: 100 })) listed.push(x);
    // The list shows the agent as retrieve does: its system prompt, version and last update.
    expect(listed.find((x) => x.id === a.id)).toEqual(await anthropic.beta.agents.retrieve(a.id));
    expect(listed.find((x) => x.id === a.id)).toMatchObject({ system: 'Latest.', version: 3 });
    await expect(anthropic.beta.agents.update('agent_nope', { system: 'x' })).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(anthropic.beta.agents.update(a.id, { system: 5 as unknown as string })).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  });
});
