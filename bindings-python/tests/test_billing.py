"""Billing through the binding: the invariants of docs/rules.md (section 7) driven by
hypothesis, and the batch form over lists, array.array and numpy columns."""

import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fanline

U32 = st.integers(0, 2**32 - 1)
RATE = st.integers(0, 10**6)
SECONDS = st.integers(0, 10**7)
BALANCE = st.integers(0, 2**63 - 1)
policies = st.builds(
    fanline.BillingPolicy,
    rate_per_minute=RATE,
    rounding=st.sampled_from(["per_started_minute", "per_second"]),
    minimum_minutes=st.integers(0, 60),
    fee_bps=st.integers(0, 10_000),
)


def ceil_div(a, b):
    return -(-a // b)


@given(policies, SECONDS, RATE, BALANCE)
def test_charge_invariants(policy, seconds, rate, balance):
    c = policy.charge(seconds, balance, rate)
    bill = c["bill"]
    # The parts always sum: fee + net = charged, charged + shortfall = gross.
    assert c["fee"] + c["creatorNet"] == c["charged"]
    assert c["charged"] + c["shortfall"] == bill["gross"]
    # A charge never exceeds the balance, and takes all it can.
    assert c["charged"] == min(bill["gross"], balance)
    # The fee is floor(charged * bps / 10000).
    assert c["fee"] == c["charged"] * policy.fee_bps // 10_000
    # The rounding policies, with the minimum and 0 s billing 0.
    minimum = policy.minimum_minutes if seconds > 0 else 0
    if policy.rounding == "per_started_minute":
        assert bill["gross"] == max(ceil_div(seconds, 60), minimum) * rate
    else:
        assert bill["gross"] == max(seconds * rate // 60, minimum * rate)
    assert policy.cost_at(seconds, rate) == bill["gross"]


@given(policies, SECONDS, RATE)
def test_cost_never_falls_as_the_call_goes_on(policy, seconds, rate):
    assert policy.cost_at(seconds, rate) <= policy.cost_at(seconds + 1, rate)


@given(policies, st.integers(0, 10**9), st.integers(1, 10**6))
def test_max_affordable_seconds_is_the_edge(policy, balance, rate):
    secs = policy.max_affordable_seconds(balance, rate)
    if secs > 0:
        assert policy.cost_at(secs, rate) <= balance
    assert policy.cost_at(secs + 1, rate) > balance or secs == 0


@given(st.integers(0, 2**64 - 1), st.integers(0, 10_000))
def test_split_sums_to_the_amount(amount, bps):
    fee, net = fanline.split(amount, bps)
    assert fee + net == amount
    assert fee == amount * bps // 10_000


@settings(max_examples=50)
@given(policies, st.lists(st.tuples(SECONDS, RATE, st.integers(0, 10**9)), max_size=50))
def test_charge_many_equals_charge_row_by_row(policy, rows):
    seconds = [r[0] for r in rows]
    rates = [r[1] for r in rows]
    balances = [r[2] for r in rows]
    cols = policy.charge_many(seconds, rates, balances)
    expected = [policy.charge(s, b, r) for s, r, b in rows]
    assert cols["gross"] == [c["bill"]["gross"] for c in expected]
    assert cols["billedMinutes"] == [c["bill"]["billedMinutes"] for c in expected]
    for key in ("charged", "shortfall", "fee", "creatorNet"):
        assert cols[key] == [c[key] for c in expected]
    buffered = policy.charge_many(array.array("q", seconds), array.array("q", rates),
                                  array.array("q", balances))
    for key, values in cols.items():
        assert isinstance(buffered[key], array.array) and buffered[key].typecode == "q"
        assert list(buffered[key]) == values


def test_charge_many_with_numpy_columns():
    np = pytest.importorskip("numpy")
    policy = fanline.BillingPolicy(rate_per_minute=12, fee_bps=1_500)
    seconds = np.arange(0, 10_000, dtype=np.int64)
    cols = policy.charge_many(seconds, balances=50)
    assert isinstance(cols["gross"], np.ndarray) and cols["gross"].dtype == np.int64
    gross = cols["gross"]
    assert gross.tolist() == [policy.bill(int(s))["gross"] for s in seconds]
    charged = cols["charged"]
    assert (charged == np.minimum(gross, 50)).all()
    # A strided view and an object with __array__ (a stand-in for a pandas column).
    assert list(policy.charge_many(seconds[::2])["gross"]) == gross[::2].tolist()

    class Column:
        def __array__(self, dtype=None, copy=None):
            return seconds[:5]

    assert list(policy.charge_many(Column())["gross"]) == gross[:5].tolist()
    with pytest.raises(fanline.InvalidInputError, match="int64"):
        policy.charge_many(seconds.astype(np.int32))
    with pytest.raises(fanline.InvalidInputError, match="int64"):
        policy.charge_many(seconds.astype(np.float64))
    with pytest.raises(fanline.InvalidInputError, match="1-D"):
        policy.charge_many(seconds.reshape(100, 100))


def numpy_charges(np, policy, seconds, rates, balances):
    """The per-started-minute formula as plain numpy, the reference for large batches."""
    minutes = (seconds + 59) // 60
    minutes = np.where((seconds > 0) & (minutes < policy.minimum_minutes),
                       policy.minimum_minutes, minutes)
    gross = minutes * rates
    charged = np.minimum(gross, balances)
    fee = charged * policy.fee_bps // 10_000
    return {"billedMinutes": minutes, "gross": gross, "charged": charged,
            "shortfall": gross - charged, "fee": fee, "creatorNet": charged - fee}


def test_large_numpy_batches_reuse_freed_columns_only():
    np = pytest.importorskip("numpy")
    policy = fanline.BillingPolicy(rate_per_minute=10, minimum_minutes=2, fee_bps=1_750)
    rng = np.random.default_rng(7)
    rows = 200_003  # several threads, columns from the pool

    def batch():
        seconds = rng.integers(0, 10_000, rows, dtype=np.int64)
        rates = rng.integers(0, 500, rows, dtype=np.int64)
        balances = rng.integers(0, 20_000, rows, dtype=np.int64)
        return policy.charge_many(seconds, rates, balances), (seconds, rates, balances)

    def check(cols, inputs):
        for name, expected in numpy_charges(np, policy, *inputs).items():
            column = cols[name]
            assert column.dtype == np.int64 and column.shape == (rows,), name
            assert column.flags.c_contiguous and column.flags.writeable, name
            assert np.array_equal(column, expected), name

    kept, kept_inputs = batch()
    kept_copy = {name: column.copy() for name, column in kept.items()}
    addresses = lambda cols: {c.__array_interface__["data"][0] for c in cols.values()}
    first, first_inputs = batch()
    check(first, first_inputs)
    freed = addresses(first)
    assert not freed & addresses(kept)
    del first
    # The next batch writes into the columns just freed, never into ones still alive.
    second, second_inputs = batch()
    check(second, second_inputs)
    assert addresses(second) == freed
    for name, column in kept.items():
        assert np.array_equal(column, kept_copy[name]), name
    check(kept, kept_inputs)
    # A column outlives its dict and its siblings (whose memory the next batch takes), and
    # stays the caller's to write.
    gross, expected = second["gross"], second["gross"].copy()
    del second
    policy.charge_many(*kept_inputs)
    assert np.array_equal(gross, expected)
    gross[0] = -1
    assert gross[0] == -1


def test_large_numpy_batches_report_the_first_bad_row():
    np = pytest.importorskip("numpy")
    policy = fanline.BillingPolicy(rate_per_minute=10**6)
    rows = 200_003
    seconds = np.full(rows, 60, dtype=np.int64)
    seconds[150_000] = 2**62  # its gross overflows
    seconds[199_000] = 2**62
    seconds[180_000] = -1
    with pytest.raises(fanline.InvalidInputError, match=r"seconds\[180000\] is negative"):
        policy.charge_many(seconds)
    seconds[180_000] = 60
    with pytest.raises(fanline.InvalidInputError, match="item 150000: billing amount overflows"):
        policy.charge_many(seconds)
    seconds[150_000] = seconds[199_000] = 60
    rates = np.full(rows, 10, dtype=np.int64)
    seconds[199_999], rates[199_999] = 120, 2**62  # gross 2**63: a uint64, not an int64
    with pytest.raises(fanline.InvalidInputError, match=r"gross\[199999\] exceeds the int64"):
        policy.charge_many(seconds, rates)
    rates[199_999] = 2**61
    assert policy.charge_many(seconds, rates)["gross"][199_999] == 2**62


def test_policy_basics():
    p = fanline.BillingPolicy()
    assert (p.rate_per_minute, p.rounding, p.minimum_minutes, p.fee_bps) == \
        (10, "per_started_minute", 0, 0)
    assert p == fanline.BillingPolicy(10, "per_started_minute", 0, 0)
    assert p.to_dict() == {"ratePerMinute": 10, "rounding": "per_started_minute",
                           "minimumMinutes": 0, "feeBps": 0}
    assert "BillingPolicy(rate_per_minute=10" in repr(p)
    assert p.start_guard() == 5 and p.start_guard(7) == 4
    assert p.max_affordable_seconds(25) == 120
    assert p.max_affordable_seconds(25, 0) == 2**64 - 1
    assert p.bill(190)["billedMinutes"] == 4
    assert p.charge(600, 35) == {
        "bill": {"billedSeconds": 600, "billedMinutes": 10, "ratePerMinute": 10, "gross": 100},
        "charged": 35, "shortfall": 65, "fee": 0, "creatorNet": 35}
    assert fanline.billed_seconds(1_000, 62_999) == 61
    assert fanline.billed_seconds(5_000, 1_000) == 0


def test_bad_billing_input():
    p = fanline.BillingPolicy()
    for bad in [
        lambda: fanline.BillingPolicy(fee_bps=10_001),
        lambda: fanline.BillingPolicy(rounding="per_hour"),
        lambda: fanline.BillingPolicy(rate_per_minute=-1),
        lambda: p.charge(-5),
        lambda: p.charge(None),
        lambda: p.charge("60"),
        lambda: p.charge(1.5),
        lambda: p.charge(True),
        lambda: p.charge(2**64),
        lambda: p.bill(2**63, 2**40),  # overflow
        lambda: p.charge_many([1, -2]),
        lambda: p.charge_many([1, "2"]),
        lambda: p.charge_many([1, None]),
        lambda: p.charge_many("123"),
        lambda: p.charge_many(b"\x01\x02"),
        lambda: p.charge_many(None),
        lambda: p.charge_many([1, 2], rates=[1]),
        lambda: p.charge_many([1, 2], balances=[-1, 0]),
        lambda: p.charge_many([2**40], rates=[2**40]),  # gross beyond uint64
        lambda: p.charge_many([2**40], rates=[2**29]),  # gross beyond int64
        lambda: p.charge_many(array.array("q", [2**40]), rates=2**29),
        lambda: p.charge_many(array.array("q", [1, -1])),
        lambda: fanline.split(10, 10_001),
        lambda: fanline.split(-1, 0),
    ]:
        with pytest.raises(fanline.InvalidInputError) as info:
            bad()
        assert info.value.code == "INVALID_INPUT"
