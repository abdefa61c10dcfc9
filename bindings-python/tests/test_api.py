"""The package surface: the hand-written stubs cover the whole native API, every class has a
safe repr, and the constants are exported."""

import ast
from pathlib import Path

import fanline
from fanline import _native

STUB = Path(fanline.__file__).with_name("_native.pyi")


def stub_names():
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    functions, classes, constants = set(), {}, set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            functions.add(node.name)
        elif isinstance(node, ast.ClassDef):
            classes[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
        elif isinstance(node, ast.AnnAssign):
            constants.add(node.target.id)
    return functions, classes, constants


def test_stubs_cover_the_whole_native_module():
    functions, classes, constants = stub_names()
    public = {n for n in dir(_native) if not n.startswith("_") or n == "__version__"}
    native_classes = {n for n in public if isinstance(getattr(_native, n), type)}
    native_functions = {n for n in public if callable(getattr(_native, n))} - native_classes
    assert native_functions == functions
    assert native_classes <= set(classes)
    assert {n for n in public - native_classes - native_functions} == constants
    for name in native_classes:
        members = {m for m in dir(getattr(_native, name)) if not m.startswith("_")}
        assert members <= classes[name], (name, members - classes[name])
        assert members | {"__new__", "__eq__", "__hash__"} >= classes[name] - {"__new__"}


def test_package_exports_and_typing_marker():
    assert set(fanline.__all__) <= set(dir(fanline))
    assert Path(fanline.__file__).with_name("py.typed").exists()
    assert "Disallow: /fan/" in fanline.ROBOTS_TXT
    assert fanline.X_ROBOTS_TAG == "noindex, nofollow, noarchive"
    assert set(fanline.FEATURES) == {"calls", "fan_share_card", "fan_privacy", "fan_mini_profile"}
    assert fanline.__version__.count(".") == 2


def test_actor_value_semantics():
    a = fanline.Actor("u1", "creator")
    assert (a.id, a.role) == ("u1", "creator")
    assert a == fanline.Actor.creator("u1") and a != fanline.Actor.fan("u1")
    assert len({a, fanline.Actor.creator("u1")}) == 1
    assert repr(a) == "Actor(id=\"u1\", role=\"creator\")"
    assert fanline.Actor.admin("ops").role == "admin"


def test_decide_pure_function():
    d = fanline.decide("call", relationships=["follow"])
    assert d == {"allowed": True, "deny": None, "rule": "allow_calls"}
    assert fanline.decide("view_profile", relationships=["follow"])["deny"] == "PROFILE_PRIVATE"
    assert fanline.decide("view_profile", relationships=["tipped"],
                          settings={"visibility": "creators"})["allowed"]
    assert fanline.decide("call", blocked_by_fan=True, relationships=["follow"])["rule"] == "block"
    assert fanline.decide("call", feature_on=False)["deny"] == "FEATURE_DISABLED"
    assert fanline.decide("message", actor_role="fan")["deny"] == "NOT_CREATOR"
    assert fanline.decide("message", actor_role="fan", actor_is_fan=True)["rule"] == "self_or_admin"
    assert fanline.decide("call", relationships=["messaged"],
                          fan_in_connected_call=True)["deny"] == "BUSY"
    assert fanline.decide("view_share_card", actor_role="fan", share_link_valid=True,
                          settings={"visibility": "link"})["allowed"]
    assert fanline.decide("appear_in_search", settings={"allowSearch": True})["allowed"]
