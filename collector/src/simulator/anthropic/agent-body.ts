import { rfc3339 } from '../http/params';
import type { SimState } from '../state';
import type { SimAgent } from '../world';

/** Each simulator's managed-agent versions (1 until an update) and when they were last updated (unix seconds). */
const revisions = new WeakMap<SimState, Map<string, { version: number; updatedAt: number }>>();
export const revisionOf = (state: SimState, a: SimAgent) => {
  let m = revisions.get(state);
  if (!m) revisions.set(state, (m = new Map()));
  return m.get(a.id) ?? { version: 1, updatedAt: a.createdAt };
};

/** A managed agent as the vendor shows it, in its list and alone: with its current version and last update. */
export const agentBody = (state: SimState, a: SimAgent) => {
  const r = revisionOf(state, a);
  return {
    id: a.id,
    type: 'agent',
    name: a.name,
    description: a.description,
    model: { id: a.model.id },
    system: a.instructions,
    tools: [],
    metadata: { workspace_id: a.groupId },
    version: r.version,
    created_at: rfc3339(a.createdAt),
    updated_at: rfc3339(r.updatedAt),
    archived_at: null,
  };
};

/** An update: the agent's next version, updated now. */
export function raiseRevision(state: SimState, a: SimAgent): void {
  const r = revisionOf(state, a);
  revisions.get(state)!.set(a.id, { version: r.version + 1, updatedAt: state.now() });
}
