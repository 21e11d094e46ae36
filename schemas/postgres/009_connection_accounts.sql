-- The vendor account (organisation) each connection reads, as the vendor reports it: the
-- OpenAI organisation in the openai-organization header, Anthropic's /v1/organizations/me.
-- Two live connections to one account would poll its usage and cost twice, so the API
-- refuses the second. Not a unique index: connections made twice before this migration
-- must still be told apart (and their history merged) when one of them is removed.
ALTER TABLE connections ADD COLUMN account_id text;
ALTER TABLE connections ADD COLUMN account_name text;
CREATE INDEX connections_account ON connections (organization_id, vendor, account_id) WHERE deleted_at IS NULL;
