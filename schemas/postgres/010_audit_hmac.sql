-- The audit chain keyed: HMAC-SHA256 of each record's hash under ARM_AUDIT_HMAC_KEY (null when
-- written without a key), so a chain recomputed without the key no longer verifies.
ALTER TABLE audit_log ADD COLUMN hmac text;
