"""The generated ``fanline.types`` describe what the binding really returns: every value a
method hands out has each required key of its TypedDict, no key the TypedDict lacks, and
nested shapes (calls in pages, bills in settlements) conform too."""

import typing

import fanline
from fanline import types

from conftest import CERT


def conforms(value, shape, path="value"):
    """Asserts that `value` fits the annotation `shape`, recursively."""
    origin = typing.get_origin(shape)
    if origin is typing.Union:
        errors = []
        for option in typing.get_args(shape):
            try:
                conforms(value, option, path)
                return
            except AssertionError as e:
                errors.append(str(e))
        raise AssertionError(f"{path}: {value!r} fits no option: {errors}")
    if origin is typing.Literal:
        assert value in typing.get_args(shape), f"{path}: {value!r} not in {shape}"
        return
    if origin is list:
        assert isinstance(value, list), f"{path}: {value!r} is not a list"
        (item,) = typing.get_args(shape)
        for i, v in enumerate(value):
            conforms(v, item, f"{path}[{i}]")
        return
    if origin is tuple:
        assert isinstance(value, (list, tuple)), f"{path}: {value!r} is not a tuple"
        for i, (v, t) in enumerate(zip(value, typing.get_args(shape))):
            conforms(v, t, f"{path}[{i}]")
        return
    if origin is dict:
        assert isinstance(value, dict), f"{path}: {value!r} is not a dict"
        return
    if shape is type(None):
        assert value is None, f"{path}: {value!r} is not None"
        return
    if isinstance(shape, type) and hasattr(shape, "__required_keys__"):
        assert isinstance(value, dict), f"{path}: {value!r} is not a dict"
        hints = typing.get_type_hints(shape)
        missing = shape.__required_keys__ - value.keys()
        unknown = value.keys() - hints.keys()
        assert not missing, f"{path} ({shape.__name__}) lacks {sorted(missing)}"
        assert not unknown, f"{path} ({shape.__name__}) has undeclared {sorted(unknown)}"
        for key, v in value.items():
            conforms(v, hints[key], f"{path}.{key}")
        return
    if shape is float:
        assert isinstance(value, (int, float)) and not isinstance(value, bool), path
        return
    if shape is object:
        return
    assert isinstance(value, shape) and not (shape is int and isinstance(value, bool)), (
        f"{path}: {value!r} is not {shape.__name__}"
    )


def test_results_of_a_whole_call_fit_their_types(engine, fan, creator, admin):
    engine.credit(admin, fan.id, 1_000, "buy-1")
    engine.record_relationship(fan, creator.id, "follow")
    engine.set_profile(fan, "Ada")
    conforms(engine.settings(fan), types.PrivacySettings)
    conforms(engine.update_settings(fan, {"visibility": "link"})["value"], types.PrivacySettings)
    conforms(engine.profile(fan.id), types.Profile)
    link = engine.enable_share(fan)["value"]
    conforms(link, types.ShareLink)
    conforms(engine.resolve_share(link["token"]), types.ShareCard)
    conforms(engine.mini_profile(creator, fan.id), types.MiniProfile)
    conforms(engine.relationship(fan, creator.id), typing.List[types.Relationship])
    call = engine.initiate(creator, fan.id, "video", message="hi")["value"]
    conforms(call, types.CallView)
    conforms(engine.pending(fan), typing.List[types.CallView])
    assert "affordableMinutes" in engine.pending(fan)[0]
    accepted = engine.accept(fan, call["id"])["value"]
    conforms(accepted, types.AcceptedCall)
    conforms(engine.refresh_token(creator, call["id"]), types.JoinInfo)
    conforms(fanline.inspect_token(accepted["fan"]["token"], CERT), types.TokenInspection)
    engine.advance_clock(90_000)
    conforms(engine.end(fan, call["id"])["value"], types.EndedCall)
    conforms(engine.status(fan, call["id"]), types.CallStatus)
    conforms(engine.history(fan), types.HistoryPage)
    conforms(engine.audit_log(admin), typing.List[types.AuditRecord])
    conforms(engine.metrics(admin), types.Metrics)
    conforms(engine.health(), types.Health)
    conforms(engine.config, types.EngineConfig)
    conforms(engine.refusal_counts(admin), typing.List[types.RefusalCount])


def test_pure_results_fit_their_types():
    conforms(fanline.default_settings(), types.PrivacySettings)
    conforms(fanline.decide("call", actor_role="creator"), types.Decision)
    policy = fanline.BillingPolicy(rate_per_minute=30, fee_bps=2_000)
    conforms(policy.to_dict(), types.BillingPolicy)
    conforms(policy.bill(61), types.Bill)
    conforms(policy.charge(61, balance=10), types.Charge)
    token = fanline.build_token_006("970CA35de60c44645bbae8a215061b33", CERT, "c", 7)
    conforms(fanline.parse_token_006(token), types.ParsedToken006)


def test_the_checker_notices_a_misfit():
    # The check above could pass vacuously; a wrong value must fail it.
    bad = dict(fanline.default_settings(), visibility="everyone")
    try:
        conforms(bad, types.PrivacySettings)
    except AssertionError as e:
        assert "everyone" in str(e)
    else:
        raise AssertionError("a bad visibility passed")
    try:
        conforms({"displayName": "Ada"}, types.Profile)
    except AssertionError as e:
        assert "avatarUrl" in str(e)
    else:
        raise AssertionError("a missing key passed")
