-- fanline PostgreSQL schema 5: no index on a limit's value. Every initiation writes the
-- creator's rate-limit row with a value a little after now, so every one of them inserted an
-- entry at the right edge of `limits_value`: one leaf page that all concurrent initiations
-- wrote to, and an index entry on every update of a row, which could never stay on its page
-- (HOT) while its value was indexed. Only the sweeper's prune used the index; it now reads
-- the whole table, which holds only limits that still bite (bounded by the creators and IPs
-- active in the last period, never by history), at READ COMMITTED, so its scan takes no
-- predicate lock. Pages are filled to 70% so that a row's next version fits beside it and
-- its update touches no index at all. Runs with the search path set to fanline's own schema.

DROP INDEX limits_value;
ALTER TABLE limits SET (fillfactor = 70);
