import { currentScope, type TenantScope } from '../tenant-scope';

/**
 * The statement that puts a session in `scope` (migration 011 is what makes it bind): a tenant
 * acts as arm_tenant with its organisation set, no scope as arm_tenant with none (every tenant
 * table then refuses), the system as the session's own role. Sessions remember the last one
 * they ran, so a statement pays for it only when the scope changes.
 */
export function scopeStatement(scope: TenantScope | undefined = currentScope()): string {
  if (scope?.kind === 'system') return "SET ROLE NONE; SELECT set_config('arm.organization_id', '', false)";
  // asTenant admits only a UUID, so the id is safe as a literal here.
  const org = scope?.kind === 'tenant' ? scope.organizationId : '';
  return `SET ROLE arm_tenant; SELECT set_config('arm.organization_id', '${org}', false)`;
}
