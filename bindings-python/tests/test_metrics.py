"""The funnel metrics computed by the package match the same metrics computed here, in
Python, from the engine's audit log of a scripted scenario on a simulated clock."""

import json
import math
from collections import Counter, defaultdict

import pytest

import fanline

from conftest import START_MS

PERMISSION = {"NOT_CREATOR", "FEATURE_DISABLED", "BLOCKED", "PROFILE_PRIVATE",
              "DM_NOT_ALLOWED", "CALL_NOT_ALLOWED"}


def run_scenario(engine):
    """Two creators, five fans, a day of calls: every outcome and every refusal kind."""
    admin = fanline.Actor.admin("ops")
    creators = [fanline.Actor.creator(f"creator_{i}") for i in range(2)]
    fans = [fanline.Actor.fan(f"fan_{i}") for i in range(5)]
    for f in fans:
        engine.credit(admin, f.id, 200, f"buy-{f.id}")
        for c in creators:
            engine.record_relationship(f, c.id, "follow")
    engine.update_settings(fans[0], {"visibility": "creators"})
    engine.update_settings(fans[1], {"allowSearch": True})
    engine.update_settings(fans[1], {"allowSearch": False})  # back to the defaults
    engine.update_settings(fans[2], {"allowCalls": "none"})
    engine.block(fans[3], creators[1].id)
    # A creator's own settings are not a fan's privacy choice.
    engine.update_settings(creators[0], {"allowSearch": True})

    def attempt(creator, fan, then=None, seconds=0):
        """A call that goes `then` (accept for `seconds`, decline, cancel, miss), or, with
        `then` a code, an attempt refused with that code."""
        if then not in ("accept", "decline", "cancel", "miss"):
            with pytest.raises(fanline.FanlineError) as info:
                engine.initiate(creator, fan.id, "video")
            assert info.value.code == then
            return
        call = engine.initiate(creator, fan.id, "video")["value"]
        if then == "accept":
            engine.accept(fan, call["id"])
            engine.advance_clock(seconds * 1000)
            engine.end(creator, call["id"])
        elif then == "decline":
            engine.decline(fan, call["id"])
        elif then == "cancel":
            engine.cancel(creator, call["id"])
        else:
            engine.advance_clock(121_000)
            engine.expire_due()

    plan = [  # creator, fan, outcome, seconds connected, clock step after (ms)
        (0, 0, "accept", 61, 20_000), (0, 1, "accept", 300, 20_000),
        (0, 4, "decline", 0, 0), (0, 4, "CALL_COOLDOWN", 0, 20_000),
        (1, 0, "accept", 30, 20_000), (1, 1, "cancel", 0, 20_000), (1, 4, "miss", 0, 20_000),
        (0, 2, "CALL_NOT_ALLOWED", 0, 20_000), (1, 3, "BLOCKED", 0, 61_000),
        (0, 1, "accept", 1_500, 20_000), (1, 0, "accept", 0, 20_000),
        (0, 4, "accept", 3_600, 20_000),
    ]
    for c, f, then, seconds, step in plan:
        attempt(creators[c], fans[f], then, seconds)
        engine.advance_clock(step)
    # A burst past the creator rate limit (10 per minute): refusals count toward it.
    for _ in range(10):
        attempt(creators[1], fans[2], "CALL_NOT_ALLOWED")
    for _ in range(2):
        attempt(creators[1], fans[2], "RATE_LIMITED")
    # A fan calling is not a creator.
    attempt(fans[4], fans[0], "NOT_CREATOR")
    return admin


def independent(log, counts, since=None, until=None, bucket_ms=3_600_000):
    """The metrics' definitions, written again from the audit records and the refusal
    counters (refusals by the flag, the role and the rate limits are counted, not audited)."""
    events = [r for r in log if (since is None or r["atMs"] >= since)
              and (until is None or r["atMs"] < until)]
    count = Counter(r["event"] for r in events)
    initiated = count["call_initiated"]
    rate = (lambda n: n / initiated if initiated else None)
    ended = [json.loads(r["detail"]) | {"creator": r["creatorId"]}
             for r in events if r["event"] == "call_ended"]
    durations = sorted(e["billedSeconds"] for e in ended)
    p95 = durations[math.ceil(0.95 * len(durations)) - 1] if durations else None
    revenue = defaultdict(lambda: Counter())
    for e in ended:
        row = revenue[e["creator"]]
        row["calls"] += 1
        for key in ("billedSeconds", "gross", "charged", "fee", "creatorNet", "shortfall"):
            row[key] += e[key]
    refusals = Counter(json.loads(r["detail"])["code"] for r in events
                       if r["event"] == "call_refused")
    for c in counts:
        if (since is None or c["minuteMs"] >= since) and (until is None or c["minuteMs"] < until):
            refusals[c["code"]] += c["count"]
    named = [r for r in events if r["event"].startswith(("call_", "relationship_"))]
    # A refused attempt proves no creator (a fan refused as NOT_CREATOR) and no pair.
    paired = [r for r in named if r["event"] != "call_refused"]
    creators = {r["creatorId"] for r in paired}
    pairs = {(r["creatorId"], r["fanId"]) for r in paired}
    initiated_by = {r["creatorId"] for r in paired if r["event"] == "call_initiated"}
    called = {r["fanId"] for r in paired if r["event"] == "call_initiated"}
    accepting = {r["fanId"] for r in paired if r["event"] == "call_accepted"}
    blocks = count["user_blocked"]
    # Privacy events say their actor's role: only fans count (this scenario's creator changes
    # its own settings too).
    role = {}
    for r in events:
        if r["event"] == "privacy_updated":
            role[r["fanId"]] = json.loads(r["detail"])["role"]
        elif r["event"].startswith("share_"):
            role.setdefault(r["fanId"], None)
    fan_ids = {r["fanId"] for r in named}
    fans = fan_ids | {u for u, ro in role.items()
                      if ro == "fan" or (ro is None and (u in fan_ids or u not in creators))}
    latest = {}
    for r in events:
        if r["event"] == "privacy_updated" and r["fanId"] in fans:
            latest[r["fanId"]] = json.loads(r["detail"])["differsFromDefault"]
    changed = sum(latest.values())
    share = (lambda part, whole: len(part) / len(whole) if whole else None)
    permission = sum(n for code, n in refusals.items() if code in PERMISSION)
    timeline = defaultdict(Counter)
    for r in events:
        if r["event"].startswith("call_"):
            timeline[r["atMs"] // bucket_ms * bucket_ms][r["event"][5:]] += 1
    for c in counts:
        if (since is None or c["minuteMs"] >= since) and (until is None or c["minuteMs"] < until):
            timeline[c["minuteMs"] // bucket_ms * bucket_ms]["refused"] += c["count"]
    return {
        "summary": {
            "initiated": initiated, "accepted": count["call_accepted"],
            "declined": count["call_declined"], "cancelled": count["call_cancelled"],
            "missed": count["call_missed"], "ended": count["call_ended"],
            "successRate": rate(count["call_accepted"]),
            "declineRate": rate(count["call_declined"]),
            "missRate": rate(count["call_missed"]), "cancelRate": rate(count["call_cancelled"]),
            "avgDurationSecs": sum(durations) / len(durations) if durations else None,
            "p95DurationSecs": p95,
            "charged": sum(e["charged"] for e in ended), "fee": sum(e["fee"] for e in ended),
            "refused": sum(refusals.values()), "cooldownHits": refusals["CALL_COOLDOWN"],
            "rateLimitHits": refusals["RATE_LIMITED"], "permissionDenials": permission,
            "otherRefusals": sum(refusals.values()) - refusals["CALL_COOLDOWN"]
            - refusals["RATE_LIMITED"] - permission,
            "creatorsSeen": len(creators), "creatorsInitiated": len(initiated_by),
            "initiatingCreatorShare": share(initiated_by, creators),
            "fansCalled": len(called), "fansAccepted": len(accepting),
            "acceptingFanShare": share(accepting, called),
            "blocks": blocks, "pairsSeen": len(pairs),
            "blockRate": blocks / len(pairs) if pairs else None,
            "fansSeen": len(fans), "fansChangedDefault": changed,
            "changedDefaultShare": changed / len(fans) if fans else None,
        },
        "revenue": {c: dict(row) for c, row in revenue.items()},
        "denials": {code: n for code, n in refusals.items() if code in PERMISSION},
        "refusals": dict(refusals),
        "timeline": {start: dict(row) for start, row in timeline.items()},
    }


def whole_log(engine, admin):
    log, after = [], 0
    while True:
        page = engine.audit_log(admin, after=after, limit=1000)
        log += page
        if len(page) < 1000:
            return log
        after = page[-1]["seq"]


def check(metrics, expected):
    assert metrics["summary"][0] == pytest.approx(expected["summary"])
    got_revenue = {r["creatorId"]: {k: v for k, v in r.items() if k != "creatorId"}
                   for r in metrics["revenueByCreator"]}
    assert got_revenue == expected["revenue"]
    charged = [r["charged"] for r in metrics["revenueByCreator"]]
    assert charged == sorted(charged, reverse=True)
    assert {d["reason"]: d["count"] for d in metrics["denialsByReason"]} == expected["denials"]
    assert {d["reason"]: d["count"] for d in metrics["refusalsByReason"]} == expected["refusals"]
    counts = [d["count"] for d in metrics["refusalsByReason"]]
    assert counts == sorted(counts, reverse=True)
    names = ["initiated", "accepted", "declined", "cancelled", "missed", "ended", "refused"]
    got_timeline = {row["bucketStartMs"]: {n: row[n] for n in names if row[n]}
                    for row in metrics["timeline"]}
    assert got_timeline == expected["timeline"]
    starts = [row["bucketStartMs"] for row in metrics["timeline"]]
    assert starts == sorted(starts)


def test_metrics_match_an_independent_count(engine):
    admin = run_scenario(engine)
    log = whole_log(engine, admin)
    counts = engine.refusal_counts(admin)
    expected = independent(log, counts)
    s = expected["summary"]
    # The scenario really exercised every metric.
    assert s["accepted"] >= 4 and s["declined"] and s["cancelled"] and s["missed"]
    assert s["cooldownHits"] and s["rateLimitHits"] and s["permissionDenials"] >= 3
    assert s["fansChangedDefault"] == 2 and s["fansSeen"] == 5
    assert s["creatorsSeen"] == 2 and s["creatorsInitiated"] == 2 and s["blocks"] == 1
    assert s["fansCalled"] == 3 and s["acceptingFanShare"] == 1.0
    check(engine.metrics(admin), expected)
    check(engine.metrics(admin, bucket_ms=60_000), independent(log, counts, bucket_ms=60_000))
    since, until = START_MS + 100_000, START_MS + 400_000
    windowed = engine.metrics(admin, since_ms=since, until_ms=until, bucket_ms=10_000)
    check(windowed, independent(log, counts, since, until, 10_000))
    assert windowed["timeline"][0]["bucketStart"].startswith("2026-11-25T12:0")


def test_metrics_of_an_empty_store_and_bad_queries(engine, admin):
    m = engine.metrics(admin)
    assert m["summary"][0]["initiated"] == 0 and m["summary"][0]["successRate"] is None
    assert m["revenueByCreator"] == [] and m["timeline"] == []
    for bad in [dict(bucket_ms=999), dict(since_ms=5, until_ms=4)]:
        with pytest.raises(fanline.InvalidInputError):
            engine.metrics(admin, **bad)
