import type { User } from '@ai-arm/schemas';
import { appendAudit, type AuditContext } from '../audit/log';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { asSystem, asTenant } from '../stores/tenant-scope';
import { DUMMY_HASH, verifyPassword } from './passwords';
import { SessionStore, UserStore } from './store';

export interface SignedIn {
  user: User;
  token: string;
  expiresAt: Date;
}

/**
 * Email and password checked against each user with that email; the user the password opens
 * gets a session, audited in that user's organisation. Null when none opens: the caller counts
 * the failure. `from` says where the request came from (its principal, if any, is replaced).
 */
export async function signIn(controlPlane: ControlPlaneDb, email: string, password: string, sessionHours: number, from: Omit<AuditContext, 'principal'>): Promise<SignedIn | null> {
  const candidates = (await asSystem('sign-in finds the user before the organisation', () => new UserStore(controlPlane).withEmail(email))).filter((u) => u.passwordHash);
  let found: (typeof candidates)[number] | undefined;
  for (const c of candidates) if (await verifyPassword(password, c.passwordHash!)) found = c;
  // The same work when nobody has this email, so timing does not tell which emails exist.
  if (candidates.length === 0) await verifyPassword(password, DUMMY_HASH);
  if (!found) return null;
  const { passwordHash: _hidden, ...user } = found;
  // Signing in has no organisation yet: the user just found names the one it acts for.
  const session = await asTenant(user.organizationId, () =>
    controlPlane.transaction(async (tx) => {
      const s = await new SessionStore(tx).create(user, sessionHours);
      const principal = { organizationId: user.organizationId, role: user.role, actorType: 'USER' as const, actorId: user.id, actorName: user.email };
      await appendAudit(tx, { ...from, principal }, { action: 'session.create', resourceType: 'user', resourceId: user.id });
      return s;
    }),
  );
  return { user, ...session };
}
