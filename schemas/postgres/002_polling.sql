-- Polling state: where each connection comes from, a watermark per report feed, and the
-- health-check state the rules need between runs.

ALTER TABLE connections ADD COLUMN source varchar(10) NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'env', 'demo'));
-- Connections from the environment or demo mode keep their secret out of the database.
ALTER TABLE connections ALTER COLUMN credentials_encrypted DROP NOT NULL;
CREATE UNIQUE INDEX connections_org_source_vendor ON connections (organization_id, source, vendor) WHERE source <> 'api';

CREATE TABLE poll_watermarks (
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  feed varchar(100) NOT NULL,
  -- Everything before this instant has been stored at least once.
  watermark timestamptz NOT NULL,
  -- When polling of this feed began: buckets before it are history (backfill), not live traffic.
  started_at timestamptz NOT NULL,
  last_success_at timestamptz,
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, feed)
);

ALTER TABLE agents ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN last_error text;
ALTER TABLE agents ADD COLUMN active_probe boolean NOT NULL DEFAULT false;
ALTER TABLE agents ADD COLUMN vanished_at timestamptz;
