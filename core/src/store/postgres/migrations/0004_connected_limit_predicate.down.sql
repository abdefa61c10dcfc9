-- Puts back the sweeper's index of connected calls as schema 3 had it and removes the row of
-- 0004_connected_limit_predicate.up.sql from the migration bookkeeping, so the database
-- records version 3 again (also when run by hand, with the search path on fanline's schema).
-- One statement, all or nothing: outside fanline's schema it refuses before touching
-- anything.
DO $$
BEGIN
    IF to_regclass('fanline_migrations') IS NULL THEN
        RAISE EXCEPTION 'not in fanline''s schema: point the search path at it first, or use fanline migrate down';
    END IF;
    DROP INDEX calls_connected_limit;
    CREATE INDEX calls_connected_limit ON calls (limit_at_ms, id) WHERE state = 'connected';
    DELETE FROM fanline_migrations WHERE version = 4;
END
$$;
