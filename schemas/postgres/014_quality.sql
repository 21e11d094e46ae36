-- Quality (issue 20): the monitor's settings per organisation (agent_id NULL) and per agent (an
-- override of some fields), and quality alerts. Alerts are work items people acknowledge and
-- resolve, audited in the same transaction as the change, so they live here beside the audit chain.

CREATE TABLE quality_settings (
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  -- NULL: the organisation's settings; else one agent's overrides.
  agent_id uuid REFERENCES agents(id) ON DELETE CASCADE,
  -- The QualitySettings fields set here (a partial object for an agent).
  settings jsonb NOT NULL DEFAULT '{}',
  -- The LLM judge: {"connectionId": ..., "model": ...}; organisation row only.
  evaluator jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by varchar(255) NOT NULL
);
CREATE UNIQUE INDEX quality_settings_scope ON quality_settings (organization_id, (coalesce(agent_id, '00000000-0000-0000-0000-000000000000'::uuid)));

CREATE TABLE quality_alerts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  agent_id uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  type varchar(10) NOT NULL CHECK (type IN ('DRIFT', 'ERROR_RATE', 'GROUNDING')),
  severity varchar(8) NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'CRITICAL')),
  metric varchar(64) NOT NULL,
  threshold double precision NOT NULL,
  actual_value double precision NOT NULL,
  message text NOT NULL,
  status varchar(12) NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')),
  source_id varchar(64),
  note text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  acknowledged_by varchar(255),
  resolved_at timestamptz,
  resolved_by varchar(255)
);
-- One alert not yet resolved per agent, type and metric: the monitor updates it rather than raising another.
CREATE UNIQUE INDEX quality_alerts_live ON quality_alerts (organization_id, agent_id, type, metric) WHERE status <> 'RESOLVED';
CREATE INDEX quality_alerts_recent ON quality_alerts (organization_id, created_at DESC);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['quality_settings', 'quality_alerts'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_scope ON %I USING (organization_id = arm_organization()) WITH CHECK (organization_id = arm_organization())', t);
  END LOOP;
END $$;
