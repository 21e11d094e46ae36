-- Per-organisation data keys for vendor credentials, each wrapped (AES-256-GCM) by the
-- master key from ARM_MASTER_KEY. Losing the master key makes stored credentials unreadable.

CREATE TABLE organization_keys (
  organization_id uuid NOT NULL PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
  wrapped_key bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
