-- API keys may have the `grafana` role (schemas/src/enums.ts KEY_ROLES): the key the Grafana app's
-- proxy sends, reaching only the calls the app makes (collector/src/auth/grafana-role.ts). Users
-- keep the three roles a person can have.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'member', 'viewer', 'grafana'));
