-- Removes everything 0002_prices_and_limits.up.sql created.
DROP TABLE refusal_counts;
DROP INDEX calls_connected_limit;
ALTER TABLE calls DROP COLUMN limit_at_ms;
DROP TABLE call_prices;
