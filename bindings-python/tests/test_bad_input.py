"""Bad input everywhere: wrong types, None, negative numbers, huge strings, bytes and lone
surrogates where text is expected. Each raises InvalidInputError (code INVALID_INPUT) and
changes nothing in the store."""

import pytest

import fanline

HUGE = "x" * 5_000_000
BAD_TEXT = [None, 12, 1.5, b"fan_1", b"\xff\xfe", bytearray(b"x"), ["fan_1"], "\udc80", HUGE]
BAD_COUNT = [None, -1, 1.5, "7", True, 2**64, b"1"]


def snapshot(engine, admin):
    """Everything a mutation could have changed that the API can see."""
    return (engine.audit_log(admin, limit=1000), engine.ledger_sum(admin))


@pytest.fixture
def actors(engine, fan, creator, admin):
    engine.credit(admin, fan.id, 500, "seed")
    engine.record_relationship(fan, creator.id, "follow")
    call = engine.initiate(creator, fan.id, "voice")["value"]
    return fan, creator, admin, call["id"]


def engine_calls(engine, fan, creator, admin, call_id, bad):
    """Every engine method with one argument replaced by `bad`."""
    return [
        lambda: engine.settings(bad),
        lambda: engine.update_settings(bad, {"visibility": "link"}),
        lambda: engine.update_settings(fan, bad),
        lambda: engine.set_profile(fan, bad),
        lambda: engine.set_profile(bad, "Ada"),
        lambda: engine.profile(bad),
        lambda: engine.enable_share(bad),
        lambda: engine.disable_share(bad),
        # A share token too long to be one is a dead link like any other: NOT_FOUND.
        lambda: engine.resolve_share(bad if bad is not HUGE else None),
        lambda: engine.mini_profile(creator, bad),
        lambda: engine.decide_pairs("message", [bad], [fan.id]),
        lambda: engine.decide_pairs(bad, [creator.id], [fan.id]),
        lambda: engine.relationship(fan, bad),
        lambda: engine.record_relationship(fan, bad, "follow"),
        lambda: engine.record_relationship(fan, creator.id, bad),
        lambda: engine.unfollow(fan, bad),
        lambda: engine.block(fan, bad),
        lambda: engine.unblock(bad, creator.id),
        lambda: engine.has_blocked(fan, bad),
        lambda: engine.initiate(creator, bad, "voice"),
        lambda: engine.initiate(creator, fan.id, bad),
        lambda: engine.initiate(creator, fan.id, "voice", message=bad if bad is not None else 1),
        lambda: engine.accept(fan, bad),
        lambda: engine.decline(fan, bad),
        lambda: engine.cancel(bad, call_id),
        lambda: engine.end(fan, bad),
        lambda: engine.refresh_token(fan, bad),
        lambda: engine.status(bad, call_id),
        lambda: engine.pending(bad),
        lambda: engine.history(bad),
        lambda: engine.history(fan, cursor=bad if bad is not None else 3),
        lambda: engine.credit(admin, bad, 5, "ref"),
        lambda: engine.credit(admin, fan.id, 5, bad),
        lambda: engine.balance(admin, bad),
        lambda: engine.ledger_sum(bad),
        lambda: engine.audit_log(bad),
        lambda: engine.metrics(bad),
        lambda: engine.set_flag(bad, True),
    ]


@pytest.mark.parametrize("bad", BAD_TEXT, ids=lambda b: type(b).__name__ + str(len(repr(b))))
def test_bad_text_and_actors_change_nothing(engine, actors, bad):
    fan, creator, admin, call_id = actors
    before = snapshot(engine, admin)
    for call in engine_calls(engine, fan, creator, admin, call_id, bad):
        with pytest.raises(fanline.InvalidInputError) as info:
            call()
        assert info.value.code == "INVALID_INPUT"
        assert len(str(info.value)) < 500  # never echoes a huge input back
    assert snapshot(engine, admin) == before


@pytest.mark.parametrize("bad", BAD_COUNT, ids=repr)
def test_bad_numbers_change_nothing(engine, actors, bad):
    fan, creator, admin, call_id = actors
    before = snapshot(engine, admin)
    required = [lambda: engine.credit(admin, fan.id, bad, "ref-x")]
    optional = [  # None means "not given" for these
        lambda: engine.initiate(creator, fan.id, "voice", rate_per_minute=bad),
        lambda: engine.history(fan, limit=bad),
        lambda: engine.audit_log(admin, limit=bad),
        lambda: engine.audit_log(admin, after=bad if bad != -1 else -(2**70)),
        lambda: engine.metrics(admin, bucket_ms=bad),
    ]
    for call in required + (optional if bad is not None else []):
        with pytest.raises(fanline.InvalidInputError):
            call()
    if bad != -1:  # a manual clock may also move back
        with pytest.raises(fanline.InvalidInputError):
            engine.advance_clock(bad)
    assert snapshot(engine, admin) == before


@pytest.mark.parametrize("bad", BAD_TEXT, ids=lambda b: type(b).__name__ + str(len(repr(b))))
def test_bad_text_in_pure_functions(bad):
    builder = fanline.TokenBuilder("970CA35de60c44645bbae8a215061b33",
                                   "5CFd2fd1755d40ecb72977518be15d3b")
    for call in [
        lambda: fanline.agora_uid(bad),
        lambda: fanline.call_uids("a", bad),
        lambda: fanline.agora_uids([bad]),
        lambda: fanline.validate_user_id(bad),
        lambda: fanline.channel_name(bad),
        lambda: fanline.inspect_token(bad),
        lambda: fanline.inspect_tokens([bad]),
        lambda: fanline.verify_token(bad, "5CFd2fd1755d40ecb72977518be15d3b"),
        lambda: fanline.parse_token_006(bad),
        lambda: fanline.decide(bad),
        lambda: fanline.decide("call", actor_role=bad if bad is not None else 1),
        lambda: fanline.Actor(bad, "fan"),
        lambda: fanline.Actor("x", bad if bad is not None else 1),
        lambda: fanline.Actor.fan(bad),
        lambda: builder.build(bad, 1),
        lambda: builder.build_many([bad], [1]),
        lambda: fanline.BillingPolicy(rounding=bad if bad is not None else 1),
    ]:
        with pytest.raises(fanline.InvalidInputError) as info:
            call()
        assert info.value.code == "INVALID_INPUT"


def test_wrong_container_types():
    for call in [
        lambda: fanline.agora_uids("abc"),
        lambda: fanline.agora_uids(b"abc"),
        lambda: fanline.agora_uids(None),
        lambda: fanline.agora_uids(5),
        lambda: fanline.decide("call", settings=["private"]),
        lambda: fanline.decide("call", settings={"visibility": "public"}),
        lambda: fanline.decide("call", settings={"colour": "red"}),
        lambda: fanline.decide("call", relationships="follow"),
        lambda: fanline.decide("call", blocked_by_fan=1),
        lambda: fanline.decide("call", relationships=["follows"]),
    ]:
        with pytest.raises(fanline.InvalidInputError):
            call()


def test_settings_patches_are_validated_whole(engine, fan, admin):
    before = snapshot(engine, admin)
    for bad in [{"visibility": "public"}, {"colour": "red"}, {"allowDm": None}, [],
                {"visibility": "link", "allowSearch": "yes"}, {1: "x"}, {"x": float("nan")},
                "visibility=link"]:
        with pytest.raises(fanline.InvalidInputError):
            engine.update_settings(fan, bad)
    assert engine.settings(fan)["visibility"] == "private"
    assert snapshot(engine, admin) == before


def test_the_shared_input_bounds():
    """fanline.bounds, as in Node: strings up to 64 KiB, nesting up to 16, lists up to a
    million items; one past each bound is INVALID_INPUT naming the bound."""
    edge = "a" * (64 * 1024)
    # At the bound the binding passes the text on (the core's own rule then speaks).
    with pytest.raises(fanline.InvalidInputError, match="user id"):
        fanline.validate_user_id(edge)
    for past in ["a" * (64 * 1024 + 1), "é" * (32 * 1024 + 1)]:  # bytes, not characters
        with pytest.raises(fanline.InvalidInputError, match="longer than 65536 bytes"):
            fanline.validate_user_id(past)
    nested = {"visibility": "link"}
    for _ in range(16):
        nested = {"x": nested}
    with pytest.raises(fanline.InvalidInputError, match="nested more than 16 levels"):
        fanline.apply_settings_patch(fanline.default_settings(), nested)
    assert len(fanline.agora_uids(["fan"] * 1_000_000)) == 1_000_000
    with pytest.raises(fanline.InvalidInputError, match="more than 1000000 items"):
        fanline.agora_uids(["fan"] * 1_000_001)
    with pytest.raises(fanline.ConfigError, match="longer than 65536 bytes"):
        fanline.Fanline("memory:", app_id="a" * 70_000, app_certificate="b", share_key=b"k" * 32)
