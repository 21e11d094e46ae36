import type { KeyRole, Role } from '@ai-arm/schemas';
import { ApiError } from '../errors';

/** Who a request acts as: the organisation every query is scoped to, and with which role. */
export interface Principal {
  organizationId: string;
  /** A user's role, or a key's (which may be `grafana`). */
  role: KeyRole;
  actorType: 'API_KEY' | 'USER' | 'SYSTEM';
  actorId: string;
  actorName: string;
}

// A grafana key gets no further than the calls in auth/grafana-role.ts (plugins/auth.ts refuses
// the rest before any handler runs); among those, adding and removing vendor connections need the
// admin rank, and Grafana's route roles decide which Grafana users may make them.
// An ingest key reaches only the receivers (INGEST_CALLS), which need the member rank to write.
const RANK: Record<KeyRole, number> = { viewer: 0, member: 1, admin: 2, grafana: 2, ingest: 1 };

/** Throws FORBIDDEN unless the principal's role is at least `role`. */
export function requireRole(p: Principal, role: Role): void {
  if (RANK[p.role] < RANK[role]) throw new ApiError('FORBIDDEN', `this needs the ${role} role; the caller is ${p.role}`, { required: role, actual: p.role });
}

/** The principal of a collector-internal action (bootstrap, demo seeding). */
export const systemPrincipal = (organizationId: string): Principal => ({ organizationId, role: 'admin', actorType: 'SYSTEM', actorId: 'collector', actorName: 'AI-ARM collector' });
