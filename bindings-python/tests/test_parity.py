"""The parity table (docs/parity.json) against the Python binding: every name the table gives
Python exists, every public name of the native module and of ``Fanline`` is in the table, and
every configuration keyword is listed and builds an engine with its example value."""

import inspect
import json
from pathlib import Path

import pytest

import fanline
from fanline import _native

TABLE = json.loads((Path(__file__).resolve().parents[2] / "docs" / "parity.json").read_text())


def names(rows):
    return [r["python"] for r in rows if r["python"] is not None]


def resolve(name):
    obj = _native
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def public(obj):
    return {n for n in dir(obj) if not n.startswith("_")}


def test_engine_methods_match_the_table():
    listed = set(names(TABLE["engine"]))
    actual = public(fanline.Fanline)
    assert listed - actual == set(), "in docs/parity.json but not in Python"
    assert actual - listed == set(), "in Python but missing from docs/parity.json"


def test_module_names_match_the_table():
    listed = names(TABLE["module"])
    for name in listed:
        resolve(name)  # AttributeError names what is missing
    heads = {n.split(".")[0] for n in listed}
    assert public(_native) - heads == set(), "in Python but missing from docs/parity.json"


def test_config_keywords_match_the_table():
    params = set(inspect.signature(fanline.Fanline).parameters)
    listed = set(names(TABLE["config"]))
    assert listed == params


def test_every_config_keyword_builds_an_engine_with_its_example():
    rows = [r for r in TABLE["config"] if r["python"] is not None]
    example = {r["python"]: r.get("pythonExample", r["example"]) for r in rows}
    # share_key / share_key_id are the shorthand for share_keys: not both at once.
    shorthand = {k: example.pop(k) for k in ("share_key", "share_key_id")}
    store = example.pop("store")
    engine = fanline.Fanline(store, **example)
    assert engine.simulated_clock and engine.flag("calls")
    assert engine.config["ledger"] is False and engine.config["maxCallSecs"] == 1800
    assert engine.config["billing"]["feeBps"] == 500
    assert engine.config["cooldownMs"] == 0
    assert engine.config["creatorRate"] == {"max": 3, "periodMs": 60000}
    assert engine.config["ipRate"] == {"max": 5, "periodMs": 60000}
    ring = example.pop("share_keys")
    assert ring["activeKeyId"] == 2
    assert fanline.Fanline(store, **example, **shorthand).config["tokenLifetimeSecs"] == 600


def test_the_package_reexports_every_native_name():
    assert public(_native) - set(fanline.__all__) == set()


def test_share_key_ring_rotates_as_in_node():
    old, new = b"o" * 32, "n" * 32
    first = fanline.ShareKeyRing({"activeKeyId": 1, "keys": [{"id": 1, "secret": old}]})
    token = first.mint("fan_ada", 3, 2_000_000_000)
    ring = fanline.ShareKeyRing({"activeKeyId": 2, "keys": [{"id": 1, "secret": bytearray(old)},
                                                            {"id": 2, "secret": new}]})
    assert ring.active_key_id == 2
    claims = ring.verify(token, 1_000)
    assert (claims["fan"], claims["generation"], claims["keyId"]) == ("fan_ada", 3, 1)
    assert ring.verify(ring.mint("fan_bo", 1, 2_000_000_000), 1_000)["keyId"] == 2
    retired = fanline.ShareKeyRing({"activeKeyId": 2, "keys": [{"id": 2, "secret": new}]})
    with pytest.raises(fanline.NotFoundError):
        retired.verify(token, 1_000)
    with pytest.raises(fanline.NotFoundError):
        ring.verify(token, 2_000_000_001)  # expired
    for bad in [{"activeKeyId": 1, "keys": [{"id": 1, "secret": b"short"}]},
                {"activeKeyId": 2, "keys": [{"id": 1, "secret": old}]},
                {"activeKeyId": 1, "keys": []}, None, "x", {"activeKeyId": 1}]:
        with pytest.raises(fanline.ConfigError) as info:
            fanline.ShareKeyRing(bad)
        assert "o" * 32 not in str(info.value)
    with pytest.raises(fanline.InvalidInputError):
        ring.mint(" bad", 1, 1)


def test_settings_helpers_as_in_node():
    d = fanline.default_settings()
    assert d == {"visibility": "private", "allowDm": "interacted", "allowCalls": "interacted",
                 "allowSearch": False}
    assert fanline.apply_settings_patch(d, {"visibility": "link"}) == {**d, "visibility": "link"}
    # Partial settings take the defaults for the rest.
    assert fanline.apply_settings_patch({"allowSearch": True}, {}) == {**d, "allowSearch": True}
    for settings, patch in [(d, {"visibility": "public"}), (d, {"colour": 1}),
                            (d, {"allowDm": None}), ({"colour": 1}, {}), ("x", {})]:
        with pytest.raises(fanline.InvalidInputError):
            fanline.apply_settings_patch(settings, patch)
