-- Removes everything 0002_prices_and_limits.up.sql created, and its row of the migration
-- bookkeeping, so the database records version 1 again (also when run by hand).
DROP TABLE refusal_counts;
DROP INDEX calls_connected_limit;
ALTER TABLE calls DROP COLUMN limit_at_ms;
DROP TABLE call_prices;
DELETE FROM fanline_migrations WHERE version = 2;
