import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which organisation the statements of the current call chain act for. Both stores read it on
 * every statement: PostgreSQL through row-level security (migration 011), ClickHouse through a
 * filter the client adds to every read of a tenant table. A statement outside any scope reaches
 * no tenant table, so a forgotten scope fails loudly instead of answering for every tenant.
 */
export type TenantScope = { kind: 'tenant'; organizationId: string } | { kind: 'system'; reason: string };

const scopes = new AsyncLocalStorage<TenantScope>();
/** A UUID as text, any case: what an organisation id (and any other row id) looks like. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs `fn` (and everything it awaits or starts) acting for one organisation. */
export function asTenant<T>(organizationId: string, fn: () => T): T {
  // The id goes into SQL settings as text: only a well-formed UUID may.
  if (!UUID_PATTERN.test(organizationId)) throw new TenantScopeError(`not an organisation id: ${JSON.stringify(organizationId).slice(0, 60)}`);
  const org = organizationId.toLowerCase();
  // A scope only narrows: what acts for one organisation cannot switch to another.
  const outer = scopes.getStore();
  if (outer?.kind === 'tenant' && outer.organizationId !== org) throw new TenantScopeError(`code acting for organisation ${outer.organizationId} tried to act for ${org}`);
  return scopes.run({ kind: 'tenant', organizationId: org }, fn);
}

/**
 * Runs `fn` across organisations, as the tables' owner. Only for work that is so by design
 * (migrations, finding a key's or a user's organisation, listing organisations to poll); the
 * reason says which, for whoever reads the call.
 */
export function asSystem<T>(reason: string, fn: () => T): T {
  const outer = scopes.getStore();
  if (outer?.kind === 'tenant') throw new TenantScopeError(`code acting for organisation ${outer.organizationId} tried to act across organisations (${reason})`);
  return scopes.run({ kind: 'system', reason }, fn);
}

export const currentScope = (): TenantScope | undefined => scopes.getStore();

export class TenantScopeError extends Error {
  override name = 'TenantScopeError';
}
