import { SettingsMap, type ClickHouseSettings } from '@clickhouse/client';
import { currentScope, TenantScopeError } from '../tenant-scope';

/** Every telemetry table that holds an organisation's rows, with the column that names it. */
export const TENANT_TABLES: Readonly<Record<string, string>> = {
  agent_health_checks: 'organization_id',
  vendor_usage: 'organization_id',
  vendor_costs: 'organization_id',
  otel_logs: 'OrganizationId',
  interactions: 'organization_id',
  policy_violations: 'organization_id',
  quality_feedback: 'organization_id',
  drift_events: 'organization_id',
  grounding_checks: 'organization_id',
  context_items: 'organization_id',
  context_vectors_minilm_l6_v2_384: 'organization_id',
  context_vectors_openai_te3s_1536: 'organization_id',
  context_vectors_openai_ada002_1536: 'organization_id',
  context_vectors_openai_te3l_3072: 'organization_id',
};

const NAMED = new RegExp(`\\{db:Identifier\\}\\.(${Object.keys(TENANT_TABLES).join('|')})\\b`, 'g');

/**
 * What a statement needs to run in the caller's scope. A tenant's statements get
 * `additional_table_filters`: ClickHouse adds the organisation to every read of each tenant table
 * the statement touches, in subqueries and joins too, whatever its own WHERE says. Outside any
 * scope a statement may not name a tenant table at all. The setting goes with every statement,
 * empty when there is nothing to filter: chdb applies settings as a session-wide SET, so one
 * left out would inherit the previous statement's filter.
 */
export function scopeSettings(database: string, sql: string): Pick<ClickHouseSettings, 'additional_table_filters'> {
  const scope = currentScope();
  const tables = namedTenantTables(sql);
  if (scope === undefined && tables.length > 0) throw missingScope(tables);
  const filters: Record<string, string> = {};
  // The map prints its values in quotes without escaping them: the filter's own quotes are
  // doubled here, and chdb (which sends settings as `SET name = '<value>'`) doubles them again.
  if (scope?.kind === 'tenant') for (const t of tables) filters[`${database}.${t}`] = `${TENANT_TABLES[t]} = ''${scope.organizationId}''`;
  return { additional_table_filters: SettingsMap.from(filters) };
}

/**
 * Mutations (ALTER ... DELETE, INSERT ... SELECT) are not filtered by ClickHouse: a tenant's may
 * touch tenant tables only naming its own organisation as the `org` parameter in its WHERE.
 */
export function checkCommand(sql: string, params: Record<string, unknown> | undefined): void {
  const scope = currentScope();
  if (scope?.kind === 'system') return;
  const tables = namedTenantTables(sql);
  if (tables.length === 0) return;
  if (scope === undefined) throw missingScope(tables);
  if (params?.org !== scope.organizationId || !/organization_id\s*=\s*\{org:UUID\}/.test(sql)) {
    throw new TenantScopeError(`a command on ${tables.join(', ')} for organisation ${scope.organizationId} must name it: WHERE organization_id = {org:UUID} with org = its id`);
  }
}

/**
 * Rows carry their organisation, and a batch is flushed later, outside any scope; so a write is
 * checked when it is made: code acting for one organisation writes only that organisation's rows.
 */
export function checkRows(table: string, rows: readonly Record<string, unknown>[]): void {
  const scope = currentScope();
  const column = TENANT_TABLES[table];
  if (scope?.kind !== 'tenant' || !column) return;
  const stray = rows.find((r) => String(r[column]).toLowerCase() !== scope.organizationId);
  if (stray) throw new TenantScopeError(`code acting for organisation ${scope.organizationId} tried to write a ${table} row of ${String(stray[column])}`);
}

function namedTenantTables(sql: string): string[] {
  return [...new Set([...sql.matchAll(NAMED)].map((m) => m[1]!))];
}

const missingScope = (tables: string[]) =>
  new TenantScopeError(`tenant scope missing: a statement on ${tables.join(', ')} ran without an organisation; run it in asTenant(organizationId, ...) or, across organisations, asSystem(...)`);
