-- Puts back the seven CHECK constraints 0003_call_checks.up.sql replaced, removes its function
-- and its row of the migration bookkeeping, so the database records version 2 again (also when
-- run by hand, with the search path on fanline's schema). One statement, all or nothing:
-- outside fanline's schema it refuses before touching anything.
DO $$
BEGIN
    IF to_regclass('fanline_migrations') IS NULL THEN
        RAISE EXCEPTION 'not in fanline''s schema: point the search path at it first, or use fanline migrate down';
    END IF;
    ALTER TABLE calls
        DROP CONSTRAINT calls_row_is_valid,
        ADD CONSTRAINT calls_call_type_check CHECK (call_type IN ('voice', 'video')),
        ADD CONSTRAINT calls_state_check CHECK (state IN ('ringing', 'connected', 'ended',
            'declined', 'cancelled', 'missed')),
        ADD CONSTRAINT calls_rate_per_minute_check CHECK (rate_per_minute >= 0),
        ADD CONSTRAINT calls_creator_uid_check CHECK (creator_uid >= 1),
        ADD CONSTRAINT calls_fan_uid_check CHECK (fan_uid >= 1),
        ADD CONSTRAINT calls_check CHECK (state NOT IN ('connected', 'ended')
            OR connected_at_ms IS NOT NULL),
        ADD CONSTRAINT calls_check1 CHECK (state IN ('ringing', 'connected')
            OR finished_at_ms IS NOT NULL);
    DROP FUNCTION call_row_is_valid(TEXT, TEXT, BIGINT, INTEGER, INTEGER, BIGINT, BIGINT);
    DELETE FROM fanline_migrations WHERE version = 3;
END
$$;
