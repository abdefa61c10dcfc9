//! Integer billing (core `billing`), with the columnar batch form.

use fanline::billing::{self, BillingPolicy, Column, Rounding};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt};
use serde_json::Value;

use crate::convert::{column_out, to_py, I64Column, Int, Text};
use crate::errors::{blocking, invalid, pure};

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
    serde_json::from_value(Value::String(name.to_string()))
        .map_err(|_| invalid(py, "rounding must be 'per_started_minute' or 'per_second'"))
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
    /// `shortfall`, `fee`, `creatorNet`): lists for a list, `array.array('q')` for a buffer.
    #[pyo3(signature = (seconds, rates=None, balances=None))]
    fn charge_many(
        &self,
        py: Python<'_>,
        seconds: I64Column,
        rates: Option<ColumnArg>,
        balances: Option<ColumnArg>,
    ) -> PyResult<Py<PyAny>> {
        let secs = seconds.unsigned(py, "seconds")?;
        let rates = unsigned_column(py, "rates", rates)?;
        let balances = unsigned_column(py, "balances", balances)?;
        let policy = self.inner;
        let cols = blocking(py, || {
            policy.charge_many(
                &secs,
                column(&rates).unwrap_or(Column::All(policy.rate_per_minute)),
                column(&balances),
            )
        })?;
        let out = PyDict::new(py);
        for (name, values) in [
            ("billedMinutes", &cols.billed_minutes),
            ("gross", &cols.gross),
            ("charged", &cols.charged),
            ("shortfall", &cols.shortfall),
            ("fee", &cols.fee),
            ("creatorNet", &cols.creator_net),
        ] {
            out.set_item(name, column_out(py, name, values, seconds.buffer)?)?;
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

/// A column argument with its values owned and checked non-negative.
enum Owned {
    All(u64),
    Each(Vec<u64>),
}

fn column(c: &Option<Owned>) -> Option<Column<'_>> {
    match c {
        None => None,
        Some(Owned::All(v)) => Some(Column::All(*v)),
        Some(Owned::Each(v)) => Some(Column::Each(v)),
    }
}

fn unsigned_column(py: Python<'_>, name: &str, c: Option<ColumnArg>) -> PyResult<Option<Owned>> {
    Ok(match c {
        None => None,
        Some(ColumnArg::All(v)) => Some(Owned::All(v)),
        Some(ColumnArg::Each(col)) => Some(Owned::Each(col.unsigned(py, name)?)),
    })
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
