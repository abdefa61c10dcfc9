"""Funnel analytics over a fanline store: every key metric the seed asks operators to watch,
as tables, and a chart of call events and rates over time.

    python examples/python/analytics.py                 # builds a demo day in a temp SQLite file
    python examples/python/analytics.py STORE [OUT.png]  # a store spec or a SQLite file path

STORE is `sqlite:/path/app.db` (or just the path) or `postgres://user@host/db` (the package
built with `--features postgres`, see README.md). Needs the `fanline` package (`maturin
develop` in bindings-python/). The chart needs matplotlib; without it the script says so and
prints the tables only. The metrics come back as plain lists of dicts, so
`pandas.DataFrame(metrics["timeline"])` works as well.
"""

import os
import random
import sys
import tempfile
from datetime import datetime, timezone

import fanline

# Analytics only reads; any well-formed credentials open the engine.
APP_ID = "970CA35de60c44645bbae8a215061b33"
CERTIFICATE = "5CFd2fd1755d40ecb72977518be15d3b"
SHARE_KEY = b"analytics-example-share-key-0123"
#: 2026-11-25T08:00:00Z
START_MS = 1_795_593_600_000
HOUR_MS = 3_600_000


def open_engine(spec, clock_ms=None):
    return fanline.Fanline(spec, app_id=APP_ID, app_certificate=CERTIFICATE,
                           share_key=SHARE_KEY, clock_ms=clock_ms,
                           flags={name: True for name in fanline.FEATURES},
                           billing=fanline.BillingPolicy(rate_per_minute=30, fee_bps=2_000))


def build_demo(spec):
    """A simulated working day: 4 creators call 40 fans; every outcome happens."""
    rng = random.Random(7)
    engine = open_engine(spec, clock_ms=START_MS)
    admin = fanline.Actor.admin("ops")
    creators = [fanline.Actor.creator(f"creator_{i}") for i in range(4)]
    fans = [fanline.Actor.fan(f"fan_{i:02}") for i in range(40)]
    for fan in fans:
        engine.credit(admin, fan.id, rng.choice([50, 500, 5_000]), f"purchase-{fan.id}")
        for creator in rng.sample(creators, 3):
            engine.record_relationship(fan, creator.id, rng.choice(["follow"] * 3 + ["tipped"]))
        if rng.random() < 0.2:
            engine.update_settings(fan, {"allowCalls": rng.choice(["none", "following"]),
                                         "visibility": "creators"})
        if rng.random() < 0.1:
            engine.block(fan, rng.choice(creators).id)
    # Creators have settings too; theirs are not a fan's privacy choice.
    engine.update_settings(creators[0], {"allowSearch": True})
    for _ in range(200):
        engine.advance_clock(rng.randint(30_000, 200_000))
        creator, fan = rng.choice(creators), rng.choice(fans)
        try:
            call = engine.initiate(creator, fan.id, rng.choice(["voice", "video"]))["value"]
        except fanline.FanlineError:
            continue  # refused: the audit log keeps the reason
        outcome = rng.random()
        if outcome < 0.6:
            try:
                engine.accept(fan, call["id"], max_rate_per_minute=call["ratePerMinute"])
            except fanline.InsufficientTokensError:
                engine.decline(fan, call["id"])  # not a minute's worth left: the fan says no
                continue
            engine.advance_clock(rng.randint(5, 1_800) * 1000)
            engine.end(rng.choice([fan, creator]), call["id"])
        elif outcome < 0.75:
            engine.decline(fan, call["id"])
        elif outcome < 0.85:
            engine.cancel(creator, call["id"])
        else:
            engine.advance_clock(125_000)
            engine.expire_due()
    return engine


def table(title, rows, columns=None):
    print(f"\n== {title}")
    if not rows:
        print("(none)")
        return
    columns = columns or list(rows[0])
    cells = [[fmt(row[c]) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    # Text to the left, numbers to the right.
    left = [isinstance(rows[0][c], str) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for r in cells:
        print("  ".join(v.ljust(w) if lj else v.rjust(w) for v, w, lj in zip(r, widths, left)))


def fmt(value):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def bucket_rates(row):
    """A timeline row's rates: accepted / initiated, and refused / attempts (None when no
    call was initiated or attempted in the bucket)."""
    attempts = row["initiated"] + row["refused"]
    return {
        "successRate": row["accepted"] / row["initiated"] if row["initiated"] else None,
        "refusalRate": row["refused"] / attempts if attempts else None,
    }


def chart(timeline, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.dates as mdates
        import matplotlib.pyplot as plt
    except ImportError:
        print("\nmatplotlib is not installed: skipping the chart (pip install matplotlib)")
        return
    states = ["initiated", "accepted", "ended", "declined", "cancelled", "missed", "refused"]
    # Real instants on the x axis: gaps between buckets show as gaps, days as dates.
    when = [datetime.fromtimestamp(row["bucketStartMs"] / 1000, tz=timezone.utc)
            for row in timeline]
    fig, ax = plt.subplots(figsize=(11, 5.5))
    for state in states:
        ax.plot(when, [row[state] for row in timeline], marker="o", markersize=3, label=state)
    ax.set_title("fanline: call events per bucket, and rates (UTC)")
    ax.set_xlabel("bucket start (UTC)")
    ax.set_ylabel("events")
    ax.xaxis.set_major_locator(mdates.AutoDateLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d %H:%M", tz=timezone.utc))
    fig.autofmt_xdate()
    ax.grid(alpha=0.3)
    rates = ax.twinx()
    for name, style in [("successRate", "k--"), ("refusalRate", "r:")]:
        rates.plot(when, [bucket_rates(row)[name] for row in timeline], style, linewidth=2,
                   label=name)
    rates.set_ylabel("rate")
    rates.set_ylim(0, 1.05)
    lines = ax.get_legend_handles_labels()
    more = rates.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], ncol=5, fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"\nchart written to {path}")


def main(argv):
    if len(argv) > 1:
        spec = argv[1] if ":" in argv[1] else f"sqlite:{argv[1]}"
        engine = open_engine(spec)
        print(f"store: {spec}")
    else:
        path = os.path.join(tempfile.mkdtemp(prefix="fanline-analytics-"), "demo.db")
        print(f"building a demo day in {path} ...")
        engine = build_demo(f"sqlite:{path}")
    out = argv[2] if len(argv) > 2 else "fanline-calls.png"
    m = engine.metrics(fanline.Actor.admin("ops"), bucket_ms=HOUR_MS)
    summary = m["summary"][0]
    table("funnel", [summary], ["initiated", "accepted", "declined", "cancelled", "missed",
                                "ended", "successRate", "declineRate", "missRate",
                                "cancelRate"])
    table("durations and revenue", [summary], ["avgDurationSecs", "p95DurationSecs",
                                               "charged", "fee"])
    table("adoption", [summary], ["creatorsSeen", "creatorsInitiated",
                                  "initiatingCreatorShare", "fansCalled", "fansAccepted",
                                  "acceptingFanShare"])
    table("privacy (fans only)", [summary], ["fansSeen", "fansChangedDefault",
                                             "changedDefaultShare"])
    table("abuse", [summary], ["refused", "cooldownHits", "rateLimitHits",
                               "permissionDenials", "otherRefusals", "blocks", "pairsSeen",
                               "blockRate"])
    table("refusals by code", m["refusalsByReason"], ["reason", "count"])
    table("revenue per creator", m["revenueByCreator"])
    table("permission denials by reason", m["denialsByReason"], ["reason", "count"])
    rows = [row | bucket_rates(row) for row in m["timeline"]]
    table("calls per hour", rows, ["bucketStart", "initiated", "accepted", "ended",
                                   "declined", "cancelled", "missed", "refused", "successRate",
                                   "refusalRate"])
    if m["timeline"]:
        chart(m["timeline"], out)


if __name__ == "__main__":
    main(sys.argv)
