-- The context vault (issue 21): each organisation's extractor and embedding models, and the
-- preference injections made to vendor agents (their instructions before and after, for undo),
-- audited with the change. Context items themselves are in ClickHouse (context_items).

CREATE TABLE context_settings (
  organization_id uuid NOT NULL PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
  -- {"connectionId": ..., "model": ...}: the LLM extractor; NULL: the rules extractor.
  extractor jsonb,
  -- {"connectionId": ..., "model": ...}: OpenAI embeddings; NULL: all-MiniLM-L6-v2 offline.
  embeddings jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by varchar(255) NOT NULL
);

CREATE TABLE preference_injections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  agent_id uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  vendor varchar(20) NOT NULL,
  before text NOT NULL,
  after text NOT NULL,
  preference_ids uuid[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by varchar(255) NOT NULL,
  undone_at timestamptz,
  undone_by varchar(255)
);
CREATE INDEX preference_injections_agent ON preference_injections (organization_id, agent_id, created_at DESC);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['context_settings', 'preference_injections'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_scope ON %I USING (organization_id = arm_organization()) WITH CHECK (organization_id = arm_organization())', t);
  END LOOP;
END $$;
