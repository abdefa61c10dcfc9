-- Puts back the index on a limit's value and the default fill factor, as schema 4 had them,
-- and removes the row of 0005_limits_without_value_index.up.sql from the migration
-- bookkeeping, so the database records version 4 again (also when run by hand, with the
-- search path on fanline's schema). One statement, all or nothing: outside fanline's schema it
-- refuses before touching anything.
DO $$
BEGIN
    IF to_regclass('fanline_migrations') IS NULL THEN
        RAISE EXCEPTION 'not in fanline''s schema: point the search path at it first, or use fanline migrate down';
    END IF;
    ALTER TABLE limits RESET (fillfactor);
    CREATE INDEX limits_value ON limits (value_ms);
    DELETE FROM fanline_migrations WHERE version = 5;
END
$$;
