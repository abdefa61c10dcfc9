-- Removes everything 0002_prices_and_limits.up.sql created, and its row of the migration
-- bookkeeping, so the database records version 1 again (also when run by hand, with the search
-- path on fanline's schema). One statement, all or nothing: outside fanline's schema it refuses
-- before touching anything.
DO $$
BEGIN
    IF to_regclass('fanline_migrations') IS NULL THEN
        RAISE EXCEPTION 'not in fanline''s schema: point the search path at it first, or use fanline migrate down';
    END IF;
    DROP TABLE refusal_counts;
    DROP INDEX calls_connected_limit;
    ALTER TABLE calls DROP COLUMN limit_at_ms;
    DROP TABLE call_prices;
    DELETE FROM fanline_migrations WHERE version = 2;
END
$$;
