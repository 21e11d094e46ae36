/**
 * Test set-up for the Context page's tests, through the collector's own API with the admin key
 * (not through the page): agents of the test's own and the items they hold.
 */
import type { AgentView as Agent, Context, ContextInput } from '@ai-arm/schemas';
import { collectorApi } from '../../test-support/grafana';

export const run = Date.now().toString(36);

/** An in-house agent named `name` (unique per run). */
export const seedAgent = (name: string) => collectorApi<Agent>('POST', '/api/v1/agents', { name });

/** Items added by hand, in order (a later preference with a key supersedes an earlier one). */
export async function seedItems(agentId: string, items: Array<Omit<ContextInput, 'agentId'>>): Promise<Context[]> {
  const out: Context[] = [];
  for (const i of items) {
    out.push(await collectorApi<Context>('POST', '/api/v1/context', { agentId, ...i }));
  }
  return out;
}

/** Every item the agent holds (superseded ones too), as the collector lists them. */
export const itemsOf = (agentId: string) =>
  collectorApi<Context[]>('GET', `/api/v1/context?agentId=${agentId}&includeSuperseded=true&limit=500`);

/** The knowledge a support agent picked up: facts, a user's preference that changed, an instruction. */
export const SUPPORT_ITEMS: Array<Omit<ContextInput, 'agentId'>> = [
  { type: 'FACT', content: `The customer's main warehouse is in Rotterdam ${run}`, tags: ['logistics'] },
  { type: 'FACT', content: 'Orders placed before 14:00 ship the same day', tags: ['logistics'] },
  { type: 'PREFERENCE', key: 'response_format', content: 'Answers as a numbered list', userId: 'u-1' },
  { type: 'PREFERENCE', key: 'response_format', content: 'Answers in short bullet points', userId: 'u-1' },
  { type: 'INSTRUCTION', key: 'tone', content: 'Always greet the customer by name' },
  {
    type: 'INTENT',
    content: 'Wanted to change the delivery address of an order',
    validFrom: '2026-01-01T00:00:00.000Z',
    validUntil: '2026-02-01T00:00:00.000Z',
  },
];
