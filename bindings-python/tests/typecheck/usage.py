"""Type-checked, not run: stage 50 runs ``mypy --strict`` over this file, so the stubs and the
generated ``fanline.types`` must accept correct use and reject the mistakes marked below
(``--warn-unused-ignores`` fails the check if a marked line stops being an error)."""

from typing import List, Optional

import fanline
from fanline import types


def a_call(engine: fanline.Fanline) -> None:
    fan = fanline.Actor.fan("fan_ada")
    creator = fanline.Actor.creator("creator_max")
    settings: types.PrivacySettings = engine.settings(fan)
    visibility: types.Visibility = settings["visibility"]
    engine.update_settings(fan, {"allowDm": "following"})
    engine.update_settings(fan, {"allowDm": "anyone"})  # type: ignore[typeddict-item]
    pending: List[types.CallView] = engine.pending(fan)
    affordable: Optional[int] = pending[0].get("affordableMinutes")
    rate: int = pending[0]["ratePerMinute"]
    pending[0]["rate"]  # type: ignore[typeddict-item]
    page: types.HistoryPage = engine.history(creator, limit=10)
    cursor: Optional[str] = page["nextCursor"]
    health: types.Health = engine.health()
    ok: bool = health["ok"]
    metrics: types.Metrics = engine.metrics(fanline.Actor.admin("ops"))
    initiated: int = metrics["summary"][0]["initiated"]
    ringing = engine.initiate(creator, "fan_ada", "video")
    call: types.CallView = ringing["value"]
    accepted: types.AcceptedCall = engine.accept(fan, call["id"])["value"]
    balance: int = engine.credit(fanline.Actor.admin("ops"), "fan_ada", 10, "r")["value"]
    ended: types.EndedCall = engine.end(fan, call["id"])["value"]
    engine.end(fan, call["id"])["value"]["call"]["price"]  # type: ignore[typeddict-item]
    print(visibility, affordable, rate, cursor, ok, initiated, accepted, balance, ended)


def pure() -> None:
    decision: types.Decision = fanline.decide("call", actor_role="creator")
    deny: Optional[types.Deny] = decision["deny"]
    inspection = fanline.inspect_token("007...")
    version: str = inspection["version"]
    charged: int = fanline.BillingPolicy().charge(61)["charged"]
    fanline.apply_settings_patch({"visibility": "link"}, {"allowSearch": True})
    fanline.apply_settings_patch({"visibility": "public"}, {})  # type: ignore[typeddict-item]
    print(deny, version, charged)
