-- Cost engine state: contract prices that override the list, and the rules that attribute
-- vendor usage (by API key or project/workspace) to agents. Attribution is applied when
-- costs are queried, so changing a rule re-attributes history.

CREATE TABLE price_overrides (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  vendor varchar(20) NOT NULL CHECK (vendor IN ('OPENAI', 'ANTHROPIC', 'GOOGLE', 'AZURE', 'CUSTOM')),
  model varchar(255) NOT NULL,
  effective_from date NOT NULL,
  -- Rates in USD per million tokens, the shape of an entry in schemas/prices/list-prices.yaml.
  entry jsonb NOT NULL,
  note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, vendor, model, effective_from)
);

CREATE TABLE attribution_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  vendor varchar(20) NOT NULL CHECK (vendor IN ('OPENAI', 'ANTHROPIC', 'GOOGLE', 'AZURE', 'CUSTOM')),
  -- api_key beats project: a key names one caller, a project (OpenAI) or workspace (Anthropic) many.
  match_kind varchar(20) NOT NULL CHECK (match_kind IN ('api_key', 'project')),
  match_value varchar(255) NOT NULL,
  agent_id uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, vendor, match_kind, match_value)
);
CREATE INDEX attribution_rules_agent ON attribution_rules (agent_id);
