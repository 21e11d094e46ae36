-- Control plane: tenants, people, credentials, vendor connections, agent inventory.
-- Every row carries organization_id and every query filters by it.

CREATE TABLE organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name varchar(255) NOT NULL,
  slug varchar(100) NOT NULL UNIQUE,
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  email varchar(255) NOT NULL,
  password_hash text,
  name varchar(255),
  role varchar(20) NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member', 'viewer')),
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, email)
);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name varchar(255) NOT NULL,
  role varchar(20) NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
  prefix varchar(32) NOT NULL,
  key_hash text NOT NULL UNIQUE,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_org ON api_keys (organization_id);

CREATE TABLE connections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  vendor varchar(20) NOT NULL CHECK (vendor IN ('OPENAI', 'ANTHROPIC', 'GOOGLE', 'AZURE', 'CUSTOM')),
  name varchar(255) NOT NULL,
  credentials_encrypted bytea NOT NULL,
  credential_hint varchar(32) NOT NULL,
  base_url text,
  status varchar(20) NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'CONNECTED', 'ERROR', 'DISABLED')),
  last_sync_at timestamptz,
  last_error text,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX connections_org ON connections (organization_id);

CREATE TABLE agents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  connection_id uuid REFERENCES connections(id) ON DELETE SET NULL,
  vendor varchar(20) NOT NULL CHECK (vendor IN ('OPENAI', 'ANTHROPIC', 'GOOGLE', 'AZURE', 'CUSTOM')),
  vendor_agent_id varchar(255) NOT NULL,
  name varchar(255) NOT NULL,
  type varchar(20) NOT NULL DEFAULT 'CUSTOM' CHECK (type IN ('ASSISTANT', 'CHAT', 'COMPLETION', 'CUSTOM')),
  status varchar(20) NOT NULL DEFAULT 'UNKNOWN' CHECK (status IN ('ACTIVE', 'PAUSED', 'ERROR', 'UNKNOWN')),
  health varchar(20) NOT NULL DEFAULT 'UNKNOWN' CHECK (health IN ('HEALTHY', 'DEGRADED', 'DOWN', 'UNKNOWN')),
  config jsonb NOT NULL DEFAULT '{}',
  metadata jsonb NOT NULL DEFAULT '{}',
  health_score integer NOT NULL DEFAULT 0 CHECK (health_score BETWEEN 0 AND 100),
  last_health_check timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, vendor, vendor_agent_id)
);
CREATE INDEX agents_org_vendor_status ON agents (organization_id, vendor, status);
