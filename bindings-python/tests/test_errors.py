"""The exception hierarchy, codes, statuses and retry hints."""

import pytest

import fanline
from fanline import errors

from conftest import make_engine

FAMILIES = {
    "INVALID_INPUT": (fanline.InvalidInputError, 400),
    "INVALID_CONFIG": (fanline.ConfigError, 500),
    "NOT_CREATOR": (fanline.PermissionDeniedError, 403),
    "FEATURE_DISABLED": (fanline.PermissionDeniedError, 403),
    "BLOCKED": (fanline.PermissionDeniedError, 403),
    "PROFILE_PRIVATE": (fanline.PermissionDeniedError, 403),
    "DM_NOT_ALLOWED": (fanline.PermissionDeniedError, 403),
    "CALL_NOT_ALLOWED": (fanline.PermissionDeniedError, 403),
    "NOT_FOUND": (fanline.NotFoundError, 404),
    "CALL_COOLDOWN": (fanline.RateLimitError, 429),
    "RATE_LIMITED": (fanline.RateLimitError, 429),
    "INVALID_STATE": (fanline.ConflictError, 409),
    "BUSY": (fanline.ConflictError, 409),
    "PRICE_CHANGED": (fanline.ConflictError, 409),
    "CONFLICT": (fanline.ConflictError, 409),
    "INVITATION_EXPIRED": (fanline.ExpiredError, 410),
    "INSUFFICIENT_TOKENS": (fanline.InsufficientTokensError, 402),
    "STORE_UNAVAILABLE": (fanline.StoreUnavailableError, 503),
    "STORE_INCOMPATIBLE": (fanline.StoreIncompatibleError, 500),
    "INTERNAL": (fanline.InternalError, 500),
}


def test_every_code_has_a_family_under_the_base():
    assert set(fanline.ERROR_CODES) == set(FAMILIES)
    for name in errors.__all__:
        cls = getattr(fanline, name)
        assert issubclass(cls, fanline.FanlineError)
        assert issubclass(cls, Exception)
    assert issubclass(fanline.InvalidInputError, ValueError)


def test_invalid_input_carries_code_status_and_no_retry():
    with pytest.raises(fanline.InvalidInputError) as info:
        fanline.agora_uid("")
    e = info.value
    assert (e.code, e.status, e.retry_after) == ("INVALID_INPUT", 400, None)
    assert isinstance(e, fanline.FanlineError) and isinstance(e, ValueError)
    assert "user id" in str(e)


def test_config_error_names_the_field_but_not_the_secret():
    secret = "5CFd2fd1755d40ecb72977518be15d3Z"
    with pytest.raises(fanline.ConfigError) as info:
        fanline.TokenBuilder("970CA35de60c44645bbae8a215061b33", secret)
    assert info.value.code == "INVALID_CONFIG"
    assert info.value.status == 500
    assert secret not in str(info.value) and secret not in repr(info.value)


def test_engine_errors_map_to_their_family(engine, fan, creator, admin):
    # NOT_FOUND: a non-admin reading the audit log.
    with pytest.raises(fanline.NotFoundError) as info:
        engine.audit_log(fan)
    assert (info.value.code, info.value.status) == ("NOT_FOUND", 404)
    # NOT_CREATOR (403 family), as a refusal of a fan trying to call.
    with pytest.raises(fanline.PermissionDeniedError) as info:
        engine.initiate(fan, "creator_max", "voice")
    assert info.value.code == "NOT_CREATOR"
    # INVALID_STATE (409 family) on the system clock.
    system = fanline.Fanline(
        "memory:",
        app_id="970CA35de60c44645bbae8a215061b33",
        app_certificate="5CFd2fd1755d40ecb72977518be15d3b",
        share_key=b"k" * 32,
    )
    with pytest.raises(fanline.ConflictError) as info:
        system.advance_clock(1)
    assert info.value.code == "INVALID_STATE"


def test_cooldown_has_retry_after(engine, fan, creator, admin):
    engine.credit(admin, fan.id, 100, "buy-1")
    engine.record_relationship(fan, creator.id, "follow")
    call = engine.initiate(creator, fan.id, "voice")["value"]
    engine.cancel(creator, call["id"])
    engine.advance_clock(15_500)
    with pytest.raises(fanline.RateLimitError) as info:
        engine.initiate(creator, fan.id, "voice")
    e = info.value
    assert (e.code, e.status, e.retry_after) == ("CALL_COOLDOWN", 429, 45)
    assert "45" in str(e)


def test_another_programs_sqlite_file_is_store_incompatible_and_untouched(tmp_path):
    import sqlite3

    path = tmp_path / "app.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO customers (name) VALUES ('Ada')")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(fanline.StoreIncompatibleError) as info:
        make_engine(f"sqlite:{path}")
    e = info.value
    assert (e.code, e.status, e.retry_after) == ("STORE_INCOMPATIBLE", 500, None)
    assert isinstance(e, fanline.FanlineError)
    assert "another program" in str(e) and str(path) not in str(e)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]
