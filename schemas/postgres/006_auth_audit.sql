-- Sign-in sessions and the audit trail.

-- A session cookie carries a random token; only its sha256 is stored.
CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One row per mutation, hash-chained per organisation: each row's hash covers its content and
-- the previous row's hash, so an edited or deleted row breaks the chain where it was.
CREATE TABLE audit_log (
  organization_id uuid NOT NULL REFERENCES organizations(id),
  sequence bigint NOT NULL,
  id uuid NOT NULL,
  at timestamptz NOT NULL,
  actor_type varchar(16) NOT NULL CHECK (actor_type IN ('USER', 'API_KEY', 'AGENT', 'SYSTEM')),
  actor_id text NOT NULL,
  actor_name text NOT NULL,
  action text NOT NULL,
  resource_type text NOT NULL,
  resource_id text,
  before jsonb,
  after jsonb,
  metadata jsonb NOT NULL DEFAULT '{}',
  ip_address text,
  user_agent text,
  request_id text NOT NULL,
  prev_hash char(64) NOT NULL,
  hash char(64) NOT NULL,
  PRIMARY KEY (organization_id, sequence)
);
CREATE INDEX audit_log_time ON audit_log (organization_id, at);

-- Append-only for everyone who goes through the database normally; the hash chain catches
-- whoever disables this.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Agent listing: filters, name search and keyset paging at a million agents.
CREATE INDEX agents_org_name ON agents (organization_id, name, id);
CREATE INDEX agents_org_created ON agents (organization_id, created_at, id);
