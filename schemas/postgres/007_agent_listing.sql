-- Agent listing at a million agents: substring name search on a trigram index, and counts per
-- vendor, status, type and health kept by a trigger, so a filtered list shows its facet counts
-- without counting the table.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX agents_name_trgm ON agents USING gin (name gin_trgm_ops);
-- The list's usual filters (vendor and status or health, or either alone) read their first page
-- straight off one of these in name order, however rare the match (PAUSED, DOWN).
CREATE INDEX agents_org_vendor_status_name ON agents (organization_id, vendor, status, name, id);
CREATE INDEX agents_org_vendor_health_name ON agents (organization_id, vendor, health, name, id);
CREATE INDEX agents_org_status_name ON agents (organization_id, status, name, id);
CREATE INDEX agents_org_health_name ON agents (organization_id, health, name, id);

CREATE TABLE agent_counts (
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  vendor varchar(20) NOT NULL,
  status varchar(20) NOT NULL,
  type varchar(20) NOT NULL,
  health varchar(20) NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (organization_id, vendor, status, type, health)
);

CREATE FUNCTION agent_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE agent_counts SET n = n - 1
     WHERE organization_id = OLD.organization_id AND vendor = OLD.vendor AND status = OLD.status AND type = OLD.type AND health = OLD.health;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO agent_counts (organization_id, vendor, status, type, health, n) VALUES (NEW.organization_id, NEW.vendor, NEW.status, NEW.type, NEW.health, 1)
    ON CONFLICT (organization_id, vendor, status, type, health) DO UPDATE SET n = agent_counts.n + 1;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER agent_counts_insert_delete AFTER INSERT OR DELETE ON agents FOR EACH ROW EXECUTE FUNCTION agent_counts_apply();
CREATE TRIGGER agent_counts_update AFTER UPDATE ON agents FOR EACH ROW
  WHEN (OLD.vendor IS DISTINCT FROM NEW.vendor OR OLD.status IS DISTINCT FROM NEW.status OR OLD.type IS DISTINCT FROM NEW.type
        OR OLD.health IS DISTINCT FROM NEW.health OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
  EXECUTE FUNCTION agent_counts_apply();

INSERT INTO agent_counts (organization_id, vendor, status, type, health, n)
  SELECT organization_id, vendor, status, type, health, count(*) FROM agents GROUP BY 1, 2, 3, 4, 5;
