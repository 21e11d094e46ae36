-- The push path (OTLP and the ingest API): the `ingest` key role, which may send telemetry and
-- nothing else; an organisation's choice to store message content; and agent versions, a
-- fingerprint of model, system instructions and tool names, each with the time it was first seen.

ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'member', 'viewer', 'grafana', 'ingest'));

-- Off by default: prompts and completions are stored only when an admin turns this on, and then masked.
ALTER TABLE organizations ADD COLUMN content_capture boolean NOT NULL DEFAULT false;

CREATE TABLE agent_versions (
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  agent_id uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  -- sha256 hex of the canonical (model, system instructions, sorted tool names).
  fingerprint char(64) NOT NULL,
  -- 1, 2, 3... per agent in the order first seen.
  version integer NOT NULL CHECK (version > 0),
  model varchar(255) NOT NULL,
  -- sha256 hex of the system instructions, or null when the requests carried none; the text itself is never kept here.
  system_hash char(64),
  tool_names text[] NOT NULL DEFAULT '{}',
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  PRIMARY KEY (organization_id, agent_id, fingerprint),
  UNIQUE (agent_id, version)
);

ALTER TABLE agent_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON agent_versions USING (organization_id = arm_organization()) WITH CHECK (organization_id = arm_organization());
