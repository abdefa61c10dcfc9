-- Removes everything 0001_initial.up.sql created (the sequences go with their tables), and
-- the migration bookkeeping with it, so a store opened afterwards sees schema version 0 and
-- migrates forward again. By hand it runs with the search path on fanline's schema
-- (`SET search_path TO fanline;`); prefer `fanline migrate down --to 0 --yes --store
-- postgres://...`, which runs this same file and also drops the schema when it is empty.
--
-- One statement, all or nothing: outside fanline's schema it refuses before dropping anything,
-- so a bare name can never reach a host table of the same name (psql goes on after an error).
DO $$
BEGIN
    IF to_regclass('fanline_migrations') IS NULL THEN
        RAISE EXCEPTION 'not in fanline''s schema: point the search path at it first, or use fanline migrate down';
    END IF;
    DROP TABLE audit_log;
    DROP TABLE ledger_balances;
    DROP TABLE ledger_entries;
    DROP TABLE limits;
    DROP TABLE call_settlements;
    DROP VIEW call_invitations;
    DROP TABLE calls;
    DROP TABLE fan_share_links;
    DROP TABLE user_blocks;
    DROP TABLE creator_fan_relationships;
    DROP TABLE user_profiles;
    DROP TABLE fan_privacy_settings;
    -- Version 1 was the last one applied: with it gone nothing of fanline is left.
    DELETE FROM fanline_migrations WHERE version = 1;
    DROP TABLE fanline_migrations;
END
$$;
