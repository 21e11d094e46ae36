-- Governance: policies that audit, warn or block, every version of each, and the reviews of
-- violations. Violations themselves are telemetry (ClickHouse, policy_violations): one per
-- pushed interaction a policy matched, at the push path's rate. A review is a person's decision,
-- audited in the same transaction as the change, so it lives here beside the audit chain.

CREATE TABLE policies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name varchar(255) NOT NULL,
  description text NOT NULL DEFAULT '',
  enforcement varchar(5) NOT NULL CHECK (enforcement IN ('AUDIT', 'WARN', 'BLOCK')),
  severity varchar(8) NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'CRITICAL')),
  enabled boolean NOT NULL DEFAULT true,
  match varchar(3) NOT NULL DEFAULT 'all' CHECK (match IN ('all', 'any')),
  -- PolicyCondition[] as the API takes them, checked and compiled by the collector before storing.
  conditions jsonb NOT NULL,
  -- Bumped by every change; policy_versions keeps each one.
  version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by varchar(255) NOT NULL,
  UNIQUE (organization_id, name)
);

-- Every version of every policy, kept after the policy is deleted: violations name the version that fired.
CREATE TABLE policy_versions (
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  policy_id uuid NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  name varchar(255) NOT NULL,
  description text NOT NULL,
  enforcement varchar(5) NOT NULL,
  severity varchar(8) NOT NULL,
  enabled boolean NOT NULL,
  match varchar(3) NOT NULL,
  conditions jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by varchar(255) NOT NULL,
  PRIMARY KEY (organization_id, policy_id, version)
);

-- One review per violation; the violation's time, policy and severity are copied so that the
-- open/reviewed filter and the report's time to review need no read of ClickHouse per row.
CREATE TABLE violation_reviews (
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  violation_id uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  policy_id uuid NOT NULL,
  severity varchar(8) NOT NULL,
  reviewer varchar(255) NOT NULL,
  decision varchar(14) NOT NULL CHECK (decision IN ('CONFIRMED', 'FALSE_POSITIVE', 'ACCEPTED_RISK')),
  note text NOT NULL DEFAULT '',
  reviewed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, violation_id)
);
CREATE INDEX violation_reviews_occurred ON violation_reviews (organization_id, occurred_at);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['policies', 'policy_versions', 'violation_reviews'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_scope ON %I USING (organization_id = arm_organization()) WITH CHECK (organization_id = arm_organization())', t);
  END LOOP;
END $$;
