//! Integer billing (core `billing`), with the columnar batch form.

use std::borrow::Cow;

use fanline::billing::{self, BillingPolicy, ChargeColumnsMut, Column, Rounding};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyDict, PyInt, PyMemoryView, PySlice};
use zerocopy::{FromBytes, IntoBytes};

use crate::convert::{list_out, to_py, unsigned, I64Column, Int, Kind, Text};
use crate::errors::{blocking, invalid, pure, to_py as error_to_py};
use crate::pool::Lease;

/// Billing rules: rate per minute, rounding (`per_started_minute` or `per_second`), minimum
/// billable minutes and the platform fee in basis points.
#[pyclass(frozen, eq, name = "BillingPolicy", module = "fanline")]
#[derive(Clone, PartialEq)]
pub struct PyBillingPolicy {
    pub inner: BillingPolicy,
}

/// A per-call column or one value for every call.
enum ColumnArg {
    All(u64),
    Each(I64Column),
}

impl FromPyObject<'_, '_> for ColumnArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
            let Int(v) = obj.extract::<Int<u64>>()?;
            return Ok(ColumnArg::All(v));
        }
        obj.extract::<I64Column>().map(ColumnArg::Each)
    }
}

fn rounding_of(py: Python<'_>, name: &str) -> PyResult<Rounding> {
    pure(py, || Rounding::parse(name))
}

#[pymethods]
impl PyBillingPolicy {
    #[new]
    #[pyo3(signature = (rate_per_minute=None, rounding=None, minimum_minutes=None, fee_bps=None))]
    fn new(
        py: Python<'_>,
        rate_per_minute: Option<Int<u64>>,
        rounding: Option<Text>,
        minimum_minutes: Option<Int<u32>>,
        fee_bps: Option<Int<u16>>,
    ) -> PyResult<Self> {
        let d = BillingPolicy::default();
        let rounding = match rounding {
            Some(r) => rounding_of(py, &r.0)?,
            None => d.rounding,
        };
        pure(py, || {
            Ok(PyBillingPolicy {
                inner: BillingPolicy::new(
                    rate_per_minute.map_or(d.rate_per_minute, |r| r.0),
                    rounding,
                    minimum_minutes.map_or(d.minimum_minutes, |m| m.0),
                    fee_bps.map_or(d.fee_bps, |f| f.0),
                )?,
            })
        })
    }

    #[getter]
    fn rate_per_minute(&self) -> u64 {
        self.inner.rate_per_minute
    }

    #[getter]
    fn rounding(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.rounding)
    }

    #[getter]
    fn minimum_minutes(&self) -> u32 {
        self.inner.minimum_minutes
    }

    #[getter]
    fn fee_bps(&self) -> u16 {
        self.inner.fee_bps
    }

    /// The policy as a dict (camelCase keys, as on the wire).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner)
    }

    /// The bill for `seconds` at `rate` (default: the policy's rate).
    #[pyo3(signature = (seconds, rate=None))]
    fn bill(
        &self,
        py: Python<'_>,
        seconds: Int<u64>,
        rate: Option<Int<u64>>,
    ) -> PyResult<Py<PyAny>> {
        let bill = pure(py, || self.inner.bill(seconds.0, self.rate(rate)))?;
        to_py(py, &bill)
    }

    /// Settles `seconds` against a fan holding `balance` (default: no cap).
    #[pyo3(signature = (seconds, balance=None, rate=None))]
    fn charge(
        &self,
        py: Python<'_>,
        seconds: Int<u64>,
        balance: Option<Int<u64>>,
        rate: Option<Int<u64>>,
    ) -> PyResult<Py<PyAny>> {
        let balance = balance.map_or(u64::MAX, |b| b.0);
        let charge = pure(py, || {
            self.inner.charge(seconds.0, self.rate(rate), balance)
        })?;
        to_py(py, &charge)
    }

    /// The price of `elapsed` seconds so far.
    #[pyo3(signature = (elapsed, rate=None))]
    fn cost_at(&self, py: Python<'_>, elapsed: Int<u64>, rate: Option<Int<u64>>) -> PyResult<u64> {
        pure(py, || self.inner.cost_at(elapsed.0, self.rate(rate)))
    }

    /// The balance a fan needs to start a call: `ceil(rate / 2)`.
    #[pyo3(signature = (rate=None))]
    fn start_guard(&self, rate: Option<Int<u64>>) -> u64 {
        self.inner.start_guard(self.rate(rate))
    }

    /// The longest affordable call in whole seconds (2**64 - 1 for a free call).
    #[pyo3(signature = (balance, rate=None))]
    fn max_affordable_seconds(&self, balance: Int<u64>, rate: Option<Int<u64>>) -> u64 {
        self.inner
            .max_affordable_seconds(balance.0, self.rate(rate))
    }

    /// Charges many calls at once. `seconds` is a list of ints or an int64 buffer; `rates`
    /// and `balances` are the same, or one int for every call (default: the policy's rate,
    /// no balance cap). Returns a dict of columns (`billedMinutes`, `gross`, `charged`,
    /// `shortfall`, `fee`, `creatorNet`), the same kind as `seconds`: lists for a list, numpy
    /// int64 arrays for numpy (or pandas, polars), `array.array('q')` for another buffer.
    #[pyo3(signature = (seconds, rates=None, balances=None))]
    fn charge_many(
        &self,
        py: Python<'_>,
        seconds: I64Column,
        rates: Option<ColumnArg>,
        balances: Option<ColumnArg>,
    ) -> PyResult<Py<PyAny>> {
        let raw_secs = seconds.values(py);
        let rate_values = rates.as_ref().and_then(ColumnArg::values(py));
        let balance_values = balances.as_ref().and_then(ColumnArg::values(py));
        let policy = self.inner;
        // The exact checks, in the order their errors are reported: each column's first
        // negative value, then the core's row errors.
        let checked = || -> PyResult<(&[u64], Column<'_>, Option<Column<'_>>)> {
            let secs = unsigned(py, "seconds", &raw_secs)?;
            let rates = column(py, "rates", rates.as_ref(), rate_values.as_deref())?
                .unwrap_or(Column::All(policy.rate_per_minute));
            let balances = column(py, "balances", balances.as_ref(), balance_values.as_deref())?;
            Ok((secs, rates, balances))
        };
        let out = PyDict::new(py);
        if seconds.kind == Kind::List {
            let (secs, rates, balances) = checked()?;
            let cols = blocking(py, || policy.charge_many(secs, rates, balances))?;
            for (name, values) in [
                (NAMES[0], &cols.billed_minutes),
                (NAMES[1], &cols.gross),
                (NAMES[2], &cols.charged),
                (NAMES[3], &cols.shortfall),
                (NAMES[4], &cols.fee),
                (NAMES[5], &cols.creator_net),
            ] {
                out.set_item(name, list_out(py, name, values)?)?;
            }
            return Ok(out.into_any().unbind());
        }
        // The same columns read as u64 without a pass of their own: the fused kernel checks
        // every input and result against the int64 range as it goes.
        let fast_secs = raw(py, &raw_secs)?;
        let fast_rates = match (&rates, rate_values.as_deref()) {
            (Some(ColumnArg::All(v)), _) => Column::All(*v),
            (Some(ColumnArg::Each(_)), Some(values)) => Column::Each(raw(py, values)?),
            _ => Column::All(policy.rate_per_minute),
        };
        let fast_balances = match (&balances, balance_values.as_deref()) {
            (Some(ColumnArg::All(v)), _) => Some(Column::All(*v)),
            (Some(ColumnArg::Each(_)), Some(values)) => Some(Column::Each(raw(py, values)?)),
            _ => None,
        };
        let n = raw_secs.len();
        let fill = |mut cols: [&mut [u64]; 6]| -> PyResult<()> {
            let bound = i64::MAX as u64;
            let fused = blocking(py, || {
                policy.charge_many_bounded(
                    fast_secs,
                    fast_rates,
                    fast_balances,
                    columns_mut(&mut cols),
                    bound,
                )
            })?;
            if fused {
                return Ok(());
            }
            // Something is out of range: the checked path finds (and names) it.
            let (secs, rates, balances) = checked()?;
            blocking(py, || {
                policy.charge_many_into(secs, rates, balances, columns_mut(&mut cols))
            })?;
            for (name, col) in NAMES.iter().zip(&cols) {
                if let Some(i) = col.iter().position(|&v| v > bound) {
                    return Err(invalid(py, format!("{name}[{i}] exceeds the int64 range")));
                }
            }
            Ok(())
        };
        if seconds.kind == Kind::Numpy {
            // numpy in, numpy out: each column is computed straight into memory of its own
            // (reused from earlier batches, see `pool`), then handed to numpy. Six columns
            // rather than one (6, n) table, so an array kept alive pins only its own.
            let mut leases = Vec::with_capacity(NAMES.len());
            for _ in NAMES {
                leases.push(Lease::new(n).ok_or_else(|| {
                    error_to_py(
                        py,
                        &fanline::Error::internal("out of memory for the results"),
                    )
                })?);
            }
            let cols: [&mut [u64]; 6] = leases
                .iter_mut()
                .map(Lease::words)
                .collect::<Vec<_>>()
                .try_into()
                .map_err(|_| error_to_py(py, &fanline::Error::internal("six columns")))?;
            fill(cols)?;
            let numpy = py.import("numpy")?;
            for (name, lease) in NAMES.iter().zip(leases) {
                out.set_item(*name, lease.into_numpy(py, &numpy)?)?;
            }
            return Ok(out.into_any().unbind());
        }
        // Other buffers: computed into one bytearray, then an array.array copy per column.
        let memory = PyByteArray::new_with(py, NAMES.len() * n * 8, |bytes| {
            let words = <[u64]>::mut_from_bytes(bytes)
                .map_err(|_| error_to_py(py, &fanline::Error::internal("misaligned buffer")))?;
            let ChargeColumnsMut {
                billed_minutes,
                gross,
                charged,
                shortfall,
                fee,
                creator_net,
            } = split_columns(words, n);
            fill([billed_minutes, gross, charged, shortfall, fee, creator_net])
        })?;
        let view = PyMemoryView::from(&memory)?;
        for (k, name) in NAMES.iter().enumerate() {
            let part = view.get_item(PySlice::new(
                py,
                (k * n * 8) as isize,
                ((k + 1) * n * 8) as isize,
                1,
            ))?;
            let array = py.import("array")?.getattr("array")?.call1(("q",))?;
            array.call_method1("frombytes", (part,))?;
            out.set_item(*name, array)?;
        }
        Ok(out.into_any().unbind())
    }

    fn __repr__(&self) -> String {
        let p = &self.inner;
        format!(
            "BillingPolicy(rate_per_minute={}, rounding={:?}, minimum_minutes={}, fee_bps={})",
            p.rate_per_minute,
            serde_json::to_value(p.rounding)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            p.minimum_minutes,
            p.fee_bps
        )
    }
}

/// The result columns, in order.
const NAMES: [&str; 6] = [
    "billedMinutes",
    "gross",
    "charged",
    "shortfall",
    "fee",
    "creatorNet",
];

impl ColumnArg {
    /// The values of a per-call column (read in place when possible).
    fn values<'a>(py: Python<'a>) -> impl Fn(&'a ColumnArg) -> Option<Cow<'a, [i64]>> {
        move |c| match c {
            ColumnArg::All(_) => None,
            ColumnArg::Each(col) => Some(col.values(py)),
        }
    }
}

/// An int64 column read as u64 in place, unchecked (the fused kernel checks the range).
fn raw<'a>(py: Python<'_>, values: &'a [i64]) -> PyResult<&'a [u64]> {
    <[u64]>::ref_from_bytes(values.as_bytes())
        .map_err(|_| error_to_py(py, &fanline::Error::internal("misaligned column")))
}

/// Six consecutive result columns of `n` rows each, in [`NAMES`] order.
fn split_columns(words: &mut [u64], n: usize) -> ChargeColumnsMut<'_> {
    let (billed_minutes, rest) = words.split_at_mut(n);
    let (gross, rest) = rest.split_at_mut(n);
    let (charged, rest) = rest.split_at_mut(n);
    let (shortfall, rest) = rest.split_at_mut(n);
    let (fee, creator_net) = rest.split_at_mut(n);
    ChargeColumnsMut {
        billed_minutes,
        gross,
        charged,
        shortfall,
        fee,
        creator_net,
    }
}

/// A column argument as the core's [`Column`], checked non-negative.
fn column<'a>(
    py: Python<'_>,
    name: &str,
    arg: Option<&ColumnArg>,
    values: Option<&'a [i64]>,
) -> PyResult<Option<Column<'a>>> {
    Ok(match (arg, values) {
        (Some(ColumnArg::All(v)), _) => Some(Column::All(*v)),
        (Some(ColumnArg::Each(_)), Some(values)) => Some(Column::Each(unsigned(py, name, values)?)),
        _ => None,
    })
}

/// The result columns of a batch, reborrowed.
fn columns_mut<'b>(cols: &'b mut [&mut [u64]; 6]) -> ChargeColumnsMut<'b> {
    let [billed_minutes, gross, charged, shortfall, fee, creator_net] = cols;
    ChargeColumnsMut {
        billed_minutes,
        gross,
        charged,
        shortfall,
        fee,
        creator_net,
    }
}

impl PyBillingPolicy {
    fn rate(&self, rate: Option<Int<u64>>) -> u64 {
        rate.map_or(self.inner.rate_per_minute, |r| r.0)
    }
}

/// Splits `amount` at `fee_bps` basis points: `(fee, net)`, `fee = floor(amount * bps / 10000)`.
#[pyfunction]
pub fn split(py: Python<'_>, amount: Int<u64>, fee_bps: Int<u16>) -> PyResult<(u64, u64)> {
    pure(py, || billing::split(amount.0, fee_bps.0))
}

/// Whole seconds from `connected_ms` to `ended_ms` (floor; 0 if the end is not after).
#[pyfunction]
pub fn billed_seconds(connected_ms: Int<i64>, ended_ms: Int<i64>) -> u64 {
    billing::billed_seconds(connected_ms.0, ended_ms.0)
}
