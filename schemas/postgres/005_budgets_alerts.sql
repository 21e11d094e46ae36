-- Budgets and cost alerts. The collector evaluates alerts on its own data after every poll
-- and exposes what fires as ai_arm_cost_alert_firing for the provisioned alert rules to route.

CREATE TABLE budgets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name varchar(255) NOT NULL,
  -- Both null: the whole organisation.
  agent_id uuid REFERENCES agents(id) ON DELETE CASCADE,
  vendor varchar(20) CHECK (vendor IN ('OPENAI', 'ANTHROPIC', 'GOOGLE', 'AZURE', 'CUSTOM')),
  period varchar(10) NOT NULL CHECK (period IN ('DAY', 'WEEK', 'MONTH')),
  amount numeric(18, 2) NOT NULL CHECK (amount > 0),
  currency char(3) NOT NULL DEFAULT 'USD',
  alert_thresholds jsonb NOT NULL DEFAULT '[0.8, 1]',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, name)
);

CREATE TABLE cost_alerts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name varchar(255) NOT NULL,
  agent_id uuid REFERENCES agents(id) ON DELETE CASCADE,
  alert_type varchar(10) NOT NULL CHECK (alert_type IN ('THRESHOLD', 'ANOMALY', 'FORECAST')),
  -- THRESHOLD: spend over the period above this; FORECAST: forecast over the period above this.
  threshold numeric(18, 2),
  -- Instead of a threshold: the budget's amount, period and scope (FORECAST: "forecast over budget").
  budget_id uuid REFERENCES budgets(id) ON DELETE CASCADE,
  period varchar(10) NOT NULL DEFAULT 'DAY' CHECK (period IN ('DAY', 'WEEK', 'MONTH')),
  firing boolean NOT NULL DEFAULT false,
  triggered_at timestamptz,
  actual_cost numeric(18, 2),
  message text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (alert_type = 'ANOMALY' OR threshold IS NOT NULL OR budget_id IS NOT NULL)
);
CREATE INDEX cost_alerts_org ON cost_alerts (organization_id);
