import type { ApiKey, KeyRole, Role, User } from '@ai-arm/schemas';
import type { SqlExecutor } from '../stores/postgres/types';
import { asSystem, asTenant } from '../stores/tenant-scope';
import type { Principal } from './principal';
import { newApiKey, randomToken, tokenHash } from './tokens';

interface KeyRow {
  id: string;
  organization_id: string;
  name: string;
  role: KeyRole;
  prefix: string;
  created_by: string | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}
interface UserRow {
  id: string;
  organization_id: string;
  email: string;
  name: string | null;
  role: Role;
  password_hash: string | null;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;
export const toApiKey = (r: KeyRow): ApiKey => ({ id: r.id, organizationId: r.organization_id, name: r.name, role: r.role, prefix: r.prefix, createdBy: r.created_by, lastUsedAt: iso(r.last_used_at), revokedAt: iso(r.revoked_at), createdAt: r.created_at.toISOString() });
export const toUser = (r: UserRow): User => ({ id: r.id, organizationId: r.organization_id, email: r.email, name: r.name, role: r.role, lastLoginAt: iso(r.last_login_at), createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() });
const KEY_COLUMNS = 'id, organization_id, name, role, prefix, created_by, last_used_at, revoked_at, created_at';
const USER_COLUMNS = 'id, organization_id, email, name, role, last_login_at, created_at, updated_at';

// last_used_at is written at most this often per key, so reads do not turn into writes.
const LAST_USED_RESOLUTION_MS = 60_000;
// A key's principal is remembered this long, saving a query on every request. Revoking through
// this process forgets it at once; another replica notices within this time.
const KEY_CACHE_MS = 10_000;
const KEY_CACHE_SIZE = 10_000;
const keyCache = new Map<string, { principal: Principal; until: number }>();
// Bumped by every forget(): an authentication that read its key before a revocation committed
// must not cache what it read after the revocation's forget() ran (it did, for 10 s: long enough
// for the revoked key to make a new admin key).
let forgets = 0;

/** API keys: stored as sha256 of the key, shown once when created. */
export class ApiKeyStore {
  constructor(private readonly db: SqlExecutor) {}

  async create(organizationId: string, name: string, role: KeyRole, createdBy: string | null, key = newApiKey()): Promise<{ apiKey: ApiKey; key: string }> {
    const [row] = await this.db.query<KeyRow>(`INSERT INTO api_keys (organization_id, name, role, prefix, key_hash, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${KEY_COLUMNS}`, [
      organizationId, name, role, key.prefix, key.hash, createdBy,
    ]);
    return { apiKey: toApiKey(row!), key: key.key };
  }

  async list(organizationId: string): Promise<ApiKey[]> {
    return (await this.db.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE organization_id = $1 ORDER BY created_at, id`, [organizationId])).map(toApiKey);
  }

  async get(organizationId: string, id: string): Promise<ApiKey | null> {
    const [row] = await this.db.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE organization_id = $1 AND id = $2`, [organizationId, id]);
    return row ? toApiKey(row) : null;
  }

  /** Drops a key's cached principal; call it once the revocation is committed. */
  static forget(id: string): void {
    forgets++;
    for (const [hash, c] of keyCache) if (c.principal.actorId === id) keyCache.delete(hash);
  }

  async revoke(organizationId: string, id: string): Promise<ApiKey | null> {
    ApiKeyStore.forget(id);
    const [row] = await this.db.query<KeyRow>(`UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE organization_id = $1 AND id = $2 RETURNING ${KEY_COLUMNS}`, [organizationId, id]);
    return row ? toApiKey(row) : null;
  }

  /** Whether any key has this hash: across organisations in the system scope bootstrap runs in. */
  async exists(hash: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM api_keys WHERE key_hash = $1', [hash])).length > 0;
  }

  async authenticate(key: string): Promise<Principal | null> {
    const hash = tokenHash(key);
    const cached = keyCache.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    const seen = forgets;
    const [row] = await asSystem('a key names its organisation', () => this.db.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`, [hash]));
    if (!row) return null;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
      await asTenant(row.organization_id, () => this.db.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [row.id]));
    }
    const principal: Principal = { organizationId: row.organization_id, role: row.role, actorType: 'API_KEY', actorId: row.id, actorName: row.name };
    // A key forgotten meanwhile may be this one, revoked after the read above: read it again.
    if (forgets !== seen) return this.authenticate(key);
    if (keyCache.size >= KEY_CACHE_SIZE) keyCache.clear();
    keyCache.set(hash, { principal, until: Date.now() + KEY_CACHE_MS });
    return principal;
  }
}

export class UserStore {
  constructor(private readonly db: SqlExecutor) {}

  async create(organizationId: string, u: { email: string; name?: string | null; role: Role; passwordHash: string | null }): Promise<User> {
    const [row] = await this.db.query<UserRow>(`INSERT INTO users (organization_id, email, name, role, password_hash) VALUES ($1, lower($2), $3, $4, $5) RETURNING ${USER_COLUMNS}`, [
      organizationId, u.email, u.name ?? null, u.role, u.passwordHash,
    ]);
    return toUser(row!);
  }

  async list(organizationId: string): Promise<User[]> {
    return (await this.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE organization_id = $1 ORDER BY email`, [organizationId])).map(toUser);
  }

  async get(organizationId: string, id: string): Promise<User | null> {
    const [row] = await this.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE organization_id = $1 AND id = $2`, [organizationId, id]);
    return row ? toUser(row) : null;
  }

  async update(organizationId: string, id: string, patch: { name?: string | null; role?: Role; passwordHash?: string }): Promise<User | null> {
    const [row] = await this.db.query<UserRow>(
      `UPDATE users SET name = CASE WHEN $3 THEN $4 ELSE name END, role = coalesce($5, role), password_hash = coalesce($6, password_hash), updated_at = now()
       WHERE organization_id = $1 AND id = $2 RETURNING ${USER_COLUMNS}`,
      [organizationId, id, patch.name !== undefined, patch.name ?? null, patch.role ?? null, patch.passwordHash ?? null],
    );
    return row ? toUser(row) : null;
  }

  async remove(organizationId: string, id: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM users WHERE organization_id = $1 AND id = $2 RETURNING id', [organizationId, id])).length > 0;
  }

  async countAdmins(organizationId: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE organization_id = $1 AND role = 'admin'", [organizationId]);
    return row?.n ?? 0;
  }

  /** Every user with this email in the caller's scope (across organisations for sign-in, which picks by password). */
  async withEmail(email: string): Promise<(User & { passwordHash: string | null })[]> {
    return (await this.db.query<UserRow>(`SELECT ${USER_COLUMNS}, password_hash FROM users WHERE email = lower($1)`, [email])).map((r) => ({ ...toUser(r), passwordHash: r.password_hash }));
  }
}

export class SessionStore {
  constructor(private readonly db: SqlExecutor) {}

  async create(user: User, hours: number): Promise<{ token: string; expiresAt: Date }> {
    const token = randomToken();
    const expiresAt = new Date(Date.now() + hours * 3_600_000);
    await this.db.query('INSERT INTO sessions (organization_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)', [user.organizationId, user.id, tokenHash(token), expiresAt]);
    await this.db.query('UPDATE users SET last_login_at = now() WHERE id = $1', [user.id]);
    return { token, expiresAt };
  }

  async authenticate(token: string): Promise<(Principal & { userId: string }) | null> {
    const [row] = await asSystem('a session names its organisation', () =>
      this.db.query<UserRow>(`SELECT u.id, u.organization_id, u.email, u.role FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > now()`, [tokenHash(token)]),
    );
    return row ? { organizationId: row.organization_id, role: row.role, actorType: 'USER', actorId: row.id, actorName: row.email, userId: row.id } : null;
  }

  async remove(token: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash(token)]);
  }

  async removeForUser(userId: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }
}
