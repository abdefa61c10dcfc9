-- fanline PostgreSQL schema 4: the sweeper's index of connected calls only serves queries
-- that name `limit_at_ms`. Its predicate was `state = 'connected'` alone, so the planner could
-- answer "is this fan in a connected call?" (`fan_id = $1 AND state = 'connected'`) by reading
-- the whole index, a page or two while few calls are connected, and filter by fan. Under
-- SERIALIZABLE that read locks those pages, and every accept writes into them: concurrent
-- accepts and initiations then aborted one another (lifecycles with 16 clients: 84 of them
-- gave up after eleven tries; none with this index). `limit_at_ms <= $1`, the sweeper's
-- condition, implies the new predicate; the fan's and creator's checks do not, and use
-- their own indexes. Only connected calls are indexed, so the rebuild is quick. Runs with the
-- search path set to fanline's own schema.

DROP INDEX calls_connected_limit;
CREATE INDEX calls_connected_limit ON calls (limit_at_ms, id)
    WHERE state = 'connected' AND limit_at_ms IS NOT NULL;
