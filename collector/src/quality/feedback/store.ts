import { randomUUID } from 'node:crypto';
import type { Feedback, FeedbackInput, FeedbackLabel } from '@ai-arm/schemas';
import { ApiError } from '../../errors';
import { encodeCursor } from '../../interactions/reads';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { iso, millisText } from '../../stores/clickhouse/time-text';

/** Who gave a feedback: an application (an API key) or a person, and their name. */
export interface FeedbackAuthor {
  source: Feedback['source'];
  author: string;
}

interface Row {
  id: string;
  interaction_id: string;
  rating: number | null;
  label: string;
  comment: string;
  source: Feedback['source'];
  author: string;
  created: string;
}

// No alias takes a column's name (it would shadow the column in WHERE).
const COLUMNS = 'id, interaction_id, rating, label, comment, source, author, toString(created_at) AS created';

const toFeedback = (agentId: string, r: Row): Feedback => ({
  id: r.id,
  agentId,
  interactionId: r.interaction_id === '' ? null : r.interaction_id,
  rating: r.rating === null ? null : Number(r.rating),
  label: r.label === '' ? null : (r.label as FeedbackLabel),
  comment: r.comment,
  source: r.source,
  author: r.author,
  createdAt: iso(r.created),
});

/** Whether the interaction is one of the agent's requests (any time). */
async function isInteractionOf(telemetry: TelemetryDb, organizationId: string, agentId: string, interactionId: string): Promise<boolean> {
  const rows = await telemetry.query<{ one: number }>(
    'SELECT 1 AS one FROM {db:Identifier}.interactions WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} AND id = {id:String} LIMIT 1',
    { org: organizationId, agent: agentId, id: interactionId },
  );
  return rows.length > 0;
}

/**
 * Stores one feedback (the caller has checked the agent is the organisation's). A feedback sent
 * again under the same id replaces itself and keeps the time it was first given: the table
 * replaces rows only within a month's partition, which a later created_at could leave.
 */
export async function recordFeedback(telemetry: TelemetryDb, organizationId: string, agentId: string, input: FeedbackInput, by: FeedbackAuthor, now: Date): Promise<Feedback> {
  if (input.interactionId !== undefined && !(await isInteractionOf(telemetry, organizationId, agentId, input.interactionId))) {
    throw new ApiError('NOT_FOUND', `agent ${agentId} has no interaction ${input.interactionId}: feedback names one of the agent's own requests, or none`, { field: 'body/interactionId' });
  }
  const id = input.id ?? randomUUID();
  const [earlier] = input.id
    ? await telemetry.query<{ created: string }>(
        'SELECT toString(created_at) AS created FROM {db:Identifier}.quality_feedback FINAL WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} AND id = {id:String} LIMIT 1',
        { org: organizationId, agent: agentId, id },
      )
    : [];
  const created = earlier?.created ?? millisText(now.getTime());
  const row = {
    organization_id: organizationId,
    agent_id: agentId,
    id,
    interaction_id: input.interactionId ?? '',
    rating: input.rating ?? null,
    label: input.label ?? '',
    comment: input.comment ?? '',
    source: by.source,
    author: by.author,
    created_at: created,
    ingested_at: millisText(now.getTime()),
  };
  await telemetry.insert('quality_feedback', [row]);
  return toFeedback(agentId, { ...row, created });
}

/** An agent's feedback, newest first, a page at a time; the cursor is the last one's (created_at, id). */
export async function listFeedback(telemetry: TelemetryDb, organizationId: string, agentId: string, limit: number, after: [string, string] | null): Promise<{ items: Feedback[]; nextCursor: string | null }> {
  const rows = await telemetry.query<Row>(
    `SELECT ${COLUMNS} FROM {db:Identifier}.quality_feedback FINAL
      WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} ${after ? 'AND (created_at, id) < ({afterAt:DateTime64(3)}, {afterId:String})' : ''}
      ORDER BY created_at DESC, id DESC LIMIT {n:UInt32}`,
    { org: organizationId, agent: agentId, afterAt: after?.[0] ?? '1970-01-01 00:00:00', afterId: after?.[1] ?? '', n: limit + 1 },
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map((r) => toFeedback(agentId, r)), nextCursor: rows.length > limit && last ? encodeCursor(last.created, last.id) : null };
}
