"""The GIL is released during long calls: another Python thread makes progress meanwhile."""

import sys
import threading
import time

import fanline


def ticks_during(call):
    """How many times a busy Python thread ticked while `call` ran. Just before, the main
    thread sleeps (letting the ticker run) and takes the GIL back with a fresh switch
    interval of 100 ms, far longer than the few bytecodes until `call` starts: so the
    ticker can only tick if `call` releases the GIL."""
    counter = [0]
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            counter[0] += 1

    thread = threading.Thread(target=ticker)
    old = sys.getswitchinterval()
    thread.start()
    try:
        sys.setswitchinterval(0.1)
        time.sleep(0.01)
        before = counter[0]
        call()
        after = counter[0]
    finally:
        sys.setswitchinterval(old)
        stop.set()
        thread.join()
    return after - before


def test_batch_calls_release_the_gil():
    ids = [f"user_{i}" for i in range(200_000)]
    policy = fanline.BillingPolicy(fee_bps=1_000)
    seconds = list(range(300_000))
    builder = fanline.TokenBuilder("970CA35de60c44645bbae8a215061b33",
                                   "5CFd2fd1755d40ecb72977518be15d3b")
    channels = [f"c{i}" for i in range(20_000)]
    for call in [
        lambda: fanline.agora_uids(ids),
        lambda: policy.charge_many(seconds),
        lambda: builder.build_many(channels, list(range(20_000))),
    ]:
        # Scheduling is up to the OS: retry a few times before calling it held.
        assert any(ticks_during(call) > 0 for _ in range(10))
