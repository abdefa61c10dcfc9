-- fanline schema 2: creators' call prices, the time limit a connected call ends at, and refusal
-- counters.

-- A creator's price per minute. A call takes its rate from here when it starts, so a fan is
-- never charged a rate picked by whoever sent the request.
CREATE TABLE call_prices (
    creator_id      TEXT    NOT NULL PRIMARY KEY,
    rate_per_minute INTEGER NOT NULL CHECK (rate_per_minute >= 0),
    updated_at_ms   INTEGER NOT NULL
) WITHOUT ROWID;

-- Fixed at accept: what the fan's balance afforded then, capped by the longest call.
ALTER TABLE calls ADD COLUMN limit_at_ms INTEGER;
-- Calls already connected when this runs get the longest call's default (2 h from their
-- connect), so the sweeper ends them too instead of leaving both sides busy for good.
UPDATE calls SET limit_at_ms = connected_at_ms + 7200000
WHERE state = 'connected' AND limit_at_ms IS NULL;
-- The sweeper ends connected calls past their limit: only connected calls are in it.
CREATE INDEX calls_connected_limit ON calls (limit_at_ms, id) WHERE state = 'connected';

-- Refusals that come before (or are) the rate limits, counted per code and minute instead of
-- one audit row each: a stranger repeating a refused request moves a counter, never grows a
-- table.
CREATE TABLE refusal_counts (
    minute_ms INTEGER NOT NULL,
    code      TEXT    NOT NULL,
    count     INTEGER NOT NULL CHECK (count > 0),
    PRIMARY KEY (minute_ms, code)
) WITHOUT ROWID;
