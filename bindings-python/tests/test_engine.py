"""Every engine method through the binding, on the memory and the SQLite store."""

import pytest

import fanline

from conftest import APP_ID, CERT, SHARE_KEY, START_MS, make_engine


def setup_pair(engine, fan, creator, admin, balance=1_000):
    engine.credit(admin, fan.id, balance, "buy-1")
    engine.record_relationship(fan, creator.id, "follow")


def test_settings_and_profile(engine, fan, creator):
    assert engine.settings(fan) == {"visibility": "private", "allowDm": "interacted",
                                    "allowCalls": "interacted", "allowSearch": False}
    out = engine.update_settings(fan, {"visibility": "link", "allowSearch": True})
    assert out == {"value": {"visibility": "link", "allowDm": "interacted",
                             "allowCalls": "interacted", "allowSearch": True}, "events": []}
    assert engine.settings(fan)["visibility"] == "link"
    assert engine.profile(fan.id) is None
    out = engine.set_profile(fan, "Ada", "https://cdn.example.com/ada.png")
    assert out["value"] == {"displayName": "Ada", "avatarUrl": "https://cdn.example.com/ada.png"}
    assert engine.profile(fan.id)["displayName"] == "Ada"
    engine.set_profile(creator, "Max")
    assert engine.profile(creator.id) == {"displayName": "Max", "avatarUrl": None}


def test_share_links(engine, fan):
    with pytest.raises(fanline.ConflictError):
        engine.enable_share(fan)  # visibility must be 'link' first
    engine.update_settings(fan, {"visibility": "link"})
    engine.set_profile(fan, "Ada")
    link = engine.enable_share(fan)["value"]
    assert link["expiresAt"] == "2026-12-25T12:00:00Z"
    card = engine.resolve_share(link["token"])
    assert card == {"displayName": "Ada", "avatarUrl": None, "expiresAt": link["expiresAt"]}
    assert engine.disable_share(fan)["value"] is True
    assert engine.disable_share(fan)["value"] is False
    with pytest.raises(fanline.NotFoundError):
        engine.resolve_share(link["token"])


def test_relationships_blocks_and_mini_profile(engine, fan, creator):
    engine.update_settings(fan, {"visibility": "creators"})
    with pytest.raises(fanline.PermissionDeniedError) as info:
        engine.mini_profile(creator, fan.id)
    assert info.value.code == "PROFILE_PRIVATE"
    engine.record_relationship(fan, creator.id, "follow")
    rows = engine.relationship(creator, fan.id)
    assert [r["kind"] for r in rows] == ["follow"]
    assert rows[0]["firstAtMs"] == START_MS
    mini = engine.mini_profile(creator, fan.id)
    assert (mini["canMessage"], mini["canCall"]) == (True, True)
    assert mini["callDecision"] == {"allowed": True, "deny": None, "rule": "allow_calls"}
    assert engine.block(fan, creator.id)["value"] is True
    assert engine.block(fan, creator.id)["value"] is False
    assert engine.has_blocked(fan, creator.id) is True
    with pytest.raises(fanline.PermissionDeniedError) as info:
        engine.mini_profile(creator, fan.id)
    assert info.value.code == "BLOCKED"
    assert engine.unblock(fan, creator.id)["value"] is True
    assert engine.unfollow(fan, creator.id)["value"] is True
    assert engine.unfollow(fan, creator.id)["value"] is False
    with pytest.raises(fanline.InvalidInputError):
        engine.record_relationship(fan, creator.id, "called")
    with pytest.raises(fanline.InvalidInputError):
        engine.record_relationship(fan, creator.id, "likes")


def test_decide_pairs_batch(engine, fan, creator):
    engine.record_relationship(fan, creator.id, "tipped")
    engine.block(fanline.Actor.fan("fan_b"), creator.id)
    decisions = engine.decide_pairs("message", [creator.id, creator.id, creator.id],
                                    [fan.id, "fan_b", "fan_c"])
    assert [d["allowed"] for d in decisions] == [True, False, False]
    assert [d["deny"] for d in decisions] == [None, "BLOCKED", "DM_NOT_ALLOWED"]
    assert engine.decide_pairs("call", [], []) == []
    with pytest.raises(fanline.InvalidInputError):
        engine.decide_pairs("message", [creator.id], [])
    with pytest.raises(fanline.InvalidInputError):
        engine.decide_pairs("wave", [creator.id], [fan.id])


def test_a_whole_call(engine, fan, creator, admin):
    setup_pair(engine, fan, creator, admin)
    out = engine.initiate(creator, fan.id, "video", message="hi!", ip="203.0.113.9")
    call = out["value"]
    assert call["state"] == "ringing" and call["invitation"] == "pending"
    assert out["events"][0]["channel"] == f"user:{fan.id}"
    assert out["events"][0]["name"] == "call:request"
    assert out["events"][0]["payload"]["message"] == "hi!"
    assert [c["id"] for c in engine.pending(fan)] == [call["id"]]
    accepted = engine.accept(fan, call["id"])
    join = accepted["value"]["fan"]
    assert join["uid"] == fanline.call_uids(creator.id, fan.id)[1]
    assert join["channel"] == fanline.channel_name(call["id"])
    info = fanline.inspect_token(join["token"], CERT)
    assert info["signatureValid"] and info["numericUid"] == join["uid"]
    assert accepted["events"][0]["name"] == "call:accepted"
    refreshed = engine.refresh_token(creator, call["id"])
    assert refreshed["uid"] == accepted["value"]["creator"]["uid"]
    engine.advance_clock(190_000)
    ended = engine.end(fan, call["id"])
    settlement = ended["value"]["settlement"]
    assert settlement["bill"]["billedSeconds"] == 190
    assert settlement["charged"] == 40
    assert ended["events"][0]["name"] == "call:ended"
    assert engine.end(creator, call["id"]) == {"value": ended["value"], "events": []}
    assert engine.status(fan, call["id"])["settlement"] == settlement
    assert engine.balance(fan, fan.id) == 960
    assert engine.balance(admin, creator.id) == 40
    assert engine.ledger_sum(admin) == 0
    page = engine.history(fan, limit=1)
    assert page["items"][0]["id"] == call["id"] and page["nextCursor"] is None
    assert engine.relationship(fan, creator.id)[-1]["kind"] == "called"


def test_results_are_plain_json_data_with_sorted_keys(engine, fan, creator, admin):
    """Results are built straight from the core's values: plain dicts, lists, str, int,
    bool and None, with every dict's keys in sorted order, as JSON would give them."""
    import json

    setup_pair(engine, fan, creator, admin)
    call = engine.initiate(creator, fan.id, "voice", message="hi!")
    accepted = engine.accept(fan, call["value"]["id"])
    engine.advance_clock(61_000)
    ended = engine.end(creator, call["value"]["id"])

    def check(v):
        if isinstance(v, dict):
            assert list(v) == sorted(v), list(v)
            assert all(type(k) is str for k in v)
            for x in v.values():
                check(x)
        elif isinstance(v, list):
            for x in v:
                check(x)
        else:
            assert v is None or type(v) in (str, int, bool), type(v)

    for out in (call, accepted, ended, engine.history(fan), engine.audit_log(admin)):
        check(out)
        assert json.loads(json.dumps(out)) == out
    assert call["value"]["callType"] == "voice" and call["value"]["message"] == "hi!"
    assert ended["value"]["settlement"]["bill"]["billedMinutes"] == 2
    assert call["events"][0]["payload"]["expiresAt"].endswith("Z")


def test_decline_cancel_expire_and_history_pages(engine, fan, creator, admin):
    setup_pair(engine, fan, creator, admin)
    first = engine.initiate(creator, fan.id, "voice")["value"]
    assert engine.decline(fan, first["id"])["value"]["state"] == "declined"
    engine.advance_clock(61_000)
    second = engine.initiate(creator, fan.id, "voice")["value"]
    out = engine.cancel(creator, second["id"])
    assert out["value"]["state"] == "cancelled" and out["events"][0]["name"] == "call:cancelled"
    engine.advance_clock(61_000)
    third = engine.initiate(creator, fan.id, "voice")["value"]
    engine.advance_clock(121_000)
    with pytest.raises(fanline.ExpiredError):
        engine.accept(fan, third["id"])
    swept = engine.expire_due()
    assert swept["value"] == [third["id"]]
    assert {e["name"] for e in swept["events"]} == {"call:missed"}
    assert engine.expire_due() == {"value": [], "events": []}
    page = engine.history(creator, limit=2)
    assert [c["state"] for c in page["items"]] == ["missed", "cancelled"]
    rest = engine.history(creator, cursor=page["nextCursor"], limit=2)
    assert [c["state"] for c in rest["items"]] == ["declined"]
    with pytest.raises(fanline.InvalidInputError):
        engine.history(creator, cursor="junk")
    with pytest.raises(fanline.InvalidInputError):
        engine.history(creator, limit=0)


def test_call_refusals(engine, fan, creator, admin):
    with pytest.raises(fanline.PermissionDeniedError) as info:
        engine.initiate(creator, fan.id, "voice")
    assert info.value.code == "CALL_NOT_ALLOWED"
    engine.record_relationship(fan, creator.id, "follow")
    with pytest.raises(fanline.InsufficientTokensError) as info:
        engine.initiate(creator, fan.id, "voice")
    assert (info.value.code, info.value.status) == ("INSUFFICIENT_TOKENS", 402)
    engine.credit(admin, fan.id, 100, "buy-1")
    call = engine.initiate(creator, fan.id, "voice")["value"]
    other = fanline.Actor.fan("fan_other")
    engine.record_relationship(other, creator.id, "follow")
    engine.credit(admin, other.id, 100, "buy-2")
    with pytest.raises(fanline.ConflictError) as info:
        engine.initiate(creator, other.id, "voice")
    assert (info.value.code, info.value.status) == ("BUSY", 409)
    with pytest.raises(fanline.NotFoundError):
        engine.status(fanline.Actor.fan("stranger"), call["id"])
    with pytest.raises(fanline.ConflictError) as info:
        engine.accept(creator, call["id"])
    assert info.value.code == "INVALID_STATE"
    engine.set_flag("calls", False)
    assert engine.flags["calls"] is False
    with pytest.raises(fanline.PermissionDeniedError) as info:
        engine.initiate(creator, fan.id, "voice")
    assert info.value.code == "FEATURE_DISABLED"


def test_audit_log_and_ledger_are_admin_only(engine, fan, creator, admin):
    setup_pair(engine, fan, creator, admin)
    log = engine.audit_log(admin)
    assert [r["event"] for r in log] == ["tokens_credited", "relationship_recorded"]
    assert log[0]["seq"] == 1 and log[0]["atMs"] == START_MS
    assert engine.audit_log(admin, after=1, limit=1)[0]["seq"] == 2
    with pytest.raises(fanline.NotFoundError):
        engine.ledger_sum(fan)
    with pytest.raises(fanline.NotFoundError):
        engine.metrics(creator)
    with pytest.raises(fanline.InvalidInputError):
        engine.audit_log(admin, limit=1001)
    # Crediting the same reference twice changes nothing.
    assert engine.credit(admin, fan.id, 1_000, "buy-1")["value"] == 1_000


def test_engine_options_clock_flags_and_config(tmp_path):
    e = make_engine(billing=fanline.BillingPolicy(20, "per_second", 1, 500), ledger=False,
                    invitation_ttl_ms=30_000, token_lifetime_secs=600, cooldown_ms=1_000,
                    creator_rate=(2, 60_000), ip_rate=(1, 60_000), share_key_id=7,
                    share_lifetime_secs=3_600, flags={"calls": True})
    assert e.config["billing"] == {"ratePerMinute": 20, "rounding": "per_second",
                                   "minimumMinutes": 1, "feeBps": 500}
    assert e.config["ledger"] is False and e.config["invitationTtlMs"] == 30_000
    assert e.flags == {"calls": True, "fan_share_card": False, "fan_privacy": True,
                       "fan_mini_profile": True}
    assert e.now_ms == START_MS
    assert e.advance_clock(1_500) == START_MS + 1_500 == e.now_ms
    assert repr(e) == 'Fanline(store="memory", clock="manual")'
    c = fanline.Actor.creator("c")
    f = fanline.Actor.fan("f")
    e.record_relationship(f, "c", "follow")
    with pytest.raises(fanline.InvalidInputError):
        e.initiate(c, "f", "voice")  # an IP limit is configured: the IP is required
    e.initiate(c, "f", "voice", ip="198.51.100.1")
    e.advance_clock(1_000)
    with pytest.raises(fanline.PermissionDeniedError):
        e.initiate(c, "f2", "voice", ip="198.51.100.2")  # refused, but it counts
    with pytest.raises(fanline.RateLimitError) as info:
        e.initiate(c, "f3", "voice", ip="198.51.100.3")
    assert (info.value.code, info.value.retry_after) == ("RATE_LIMITED", 29)
    path = tmp_path / "x.db"
    durable = make_engine(f"sqlite:{path}")
    durable.set_profile(f, "F")
    assert make_engine(f"sqlite:{path}").profile("f") == {"displayName": "F", "avatarUrl": None}
    assert make_engine("sqlite::memory:").profile("f") is None
    system = fanline.Fanline("memory:", app_id=APP_ID, app_certificate=CERT,
                             share_key="s" * 32, flags="env")
    assert abs(system.now_ms - e.now_ms) < 10**12


def test_bad_configuration_is_a_config_error():
    # The same parser as Node's config object: wrong types and bad values alike are
    # ConfigError (INVALID_CONFIG), and no message echoes a secret.
    for kwargs in [dict(store="redis://x"), dict(store=5), dict(store=None),
                   dict(app_id="nope"), dict(app_id=7), dict(share_key=b"short"),
                   dict(invitation_ttl_ms=0), dict(token_lifetime_secs=100_000),
                   dict(creator_rate=(0, 1_000)), dict(creator_rate=(1, 2, 3)),
                   dict(cooldown_ms=-1), dict(cooldown_ms=1.5), dict(max_call_secs=-1),
                   dict(ip_rate=(1, "60000")), dict(flags={"teleport": True}),
                   dict(flags={"calls": "yes"}), dict(flags={"calls": 1}), dict(flags="all"),
                   dict(billing="cheap"), dict(billing={"feeBps": 20_000}), dict(creator_rate=5),
                   dict(ledger="yes"), dict(ledger=CERT), dict(share_key=None), dict(share_key=12),
                   dict(share_key_id=256), dict(share_key_id=-1), dict(clock_ms=-(2**70)),
                   dict(clock_ms=1.5), dict(clock_ms="now"), dict(share_keys={"activeKeyId": 1}),
                   dict(share_key=None, share_keys={"activeKeyId": 1, "keys": []}),
                   dict(share_keys={"activeKeyId": 1, "keys": [{"id": 1, "secret": SHARE_KEY}]}),
                   dict(share_key=None, share_key_id=2,
                        share_keys={"activeKeyId": 1, "keys": [{"id": 1, "secret": SHARE_KEY}]})]:
        store = kwargs.pop("store", "memory:")
        with pytest.raises(fanline.ConfigError) as info:
            make_engine(store, **kwargs)
        assert info.value.code == "INVALID_CONFIG"
        assert CERT not in str(info.value) and SHARE_KEY.decode() not in str(info.value)
    with pytest.raises(fanline.ConfigError, match="limits.cooldownMs"):
        make_engine(cooldown_ms="5")
    with pytest.raises(TypeError):
        fanline.Fanline(app_id=APP_ID, app_certificate=CERT, share_key=SHARE_KEY)


def test_share_keys_rotate(tmp_path):
    store = f"sqlite:{tmp_path / 'ring.db'}"
    old, new = b"o" * 32, bytearray(b"n" * 32)
    fan = fanline.Actor.fan("fan_ada")
    first = make_engine(store, share_key=old, share_key_id=1)
    first.set_profile(fan, "Ada")
    first.update_settings(fan, {"visibility": "link"})
    token = first.enable_share(fan)["value"]["token"]
    # Key 2 signs now; key 1 still verifies the links it signed.
    ring = {"activeKeyId": 2, "keys": [{"id": 1, "secret": old}, {"id": 2, "secret": new}]}
    rotated = make_engine(store, share_key=None, share_keys=ring)
    assert rotated.resolve_share(token)["displayName"] == "Ada"
    # Key 1 retired: its links fail closed.
    retired = make_engine(store, share_key=None,
                          share_keys={"activeKeyId": 2, "keys": [{"id": 2, "secret": "n" * 32}]})
    with pytest.raises(fanline.NotFoundError):
        retired.resolve_share(token)
