-- Removes everything 0001_initial.up.sql created (the sequences go with their tables).
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
