-- Tenant scope by construction: every row of a tenant table is visible and writable only to the
-- organisation named in the session's `arm.organization_id` setting, and a statement that reaches
-- a tenant table without one fails instead of answering for every organisation.
--
-- The collector's statements run as the role arm_tenant, which row-level security binds; work
-- that spans organisations by design (migrations, sign-in before the organisation is known, the
-- poller's list of organisations) switches back to the session's own role, the tables' owner,
-- explicitly (see collector/src/stores/tenant-scope.ts). Roles are the cluster's, not the
-- database's: collectors sharing a cluster share the role, and creating it races between them.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'arm_tenant') THEN
    CREATE ROLE arm_tenant NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'arm_tenant', 'MEMBER') THEN
    EXECUTE format('GRANT arm_tenant TO %I', current_user);
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO arm_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO arm_tenant;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO arm_tenant;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO arm_tenant;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO arm_tenant;

-- STABLE: evaluated once per scan, so the policy's comparison can use the organisation indexes.
CREATE OR REPLACE FUNCTION arm_organization() RETURNS uuid LANGUAGE plpgsql STABLE AS $$
DECLARE
  org text := current_setting('arm.organization_id', true);
BEGIN
  IF org IS NULL OR org = '' THEN
    RAISE EXCEPTION 'tenant scope missing: a statement reached a tenant table without an organisation'
      USING ERRCODE = '42501', HINT = 'run it in asTenant(organizationId, ...) or, for work across organisations, asSystem(...)';
  END IF;
  RETURN org::uuid;
END $$;

ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON organizations USING (id = arm_organization()) WITH CHECK (id = arm_organization());

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'api_keys', 'connections', 'agents', 'agent_counts', 'poll_watermarks', 'organization_keys',
                           'price_overrides', 'attribution_rules', 'budgets', 'cost_alerts', 'sessions', 'audit_log'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_scope ON %I USING (organization_id = arm_organization()) WITH CHECK (organization_id = arm_organization())', t);
  END LOOP;
END $$;

-- Name search under row-level security. ILIKE is not leakproof, so behind the policy the planner
-- may not use the trigram index for it and reads every agent of the organisation (110 ms at 100,000
-- agents where the index takes 4). This function reads as the tables' owner, with the index, but
-- only the session's organisation (arm_organization() fails without one): it cannot widen the
-- scope. It returns at most `cap` ids; past that, the search walks the name order instead.
CREATE OR REPLACE FUNCTION arm_agents_named(pattern text, cap integer) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT id FROM agents WHERE organization_id = arm_organization() AND name ILIKE pattern LIMIT cap
$$;
REVOKE ALL ON FUNCTION arm_agents_named(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION arm_agents_named(text, integer) TO arm_tenant;
