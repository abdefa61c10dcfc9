//! Batch billing: many calls charged in one fused pass over columns, split across cores for
//! large batches, with the same results (and the same first error) as `charge` row by row.

use serde::Serialize;

use super::{BillingPolicy, Rounding};
use crate::error::{Error, Result};

/// One value for every row, or one value per row: a column of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column<'a> {
    /// The same value for every row.
    All(u64),
    /// One value per row; its length must match the batch.
    Each(&'a [u64]),
}

impl Column<'_> {
    fn check_len(&self, name: &str, rows: usize) -> Result<()> {
        match self {
            Column::Each(v) if v.len() != rows => Err(Error::invalid(format!(
                "{name} has {} values for {rows} rows",
                v.len()
            ))),
            _ => Ok(()),
        }
    }

    #[inline]
    fn at(&self, i: usize) -> u64 {
        match self {
            Column::All(v) => *v,
            Column::Each(v) => v[i],
        }
    }
}

/// Many charges as columns (the batch form for analytics), one row per call in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargeColumns {
    /// Minutes billed.
    pub billed_minutes: Vec<u64>,
    /// Full prices.
    pub gross: Vec<u64>,
    /// What each fan pays: `min(gross, balance)`.
    pub charged: Vec<u64>,
    /// `gross - charged`.
    pub shortfall: Vec<u64>,
    /// The platform's part of `charged`.
    pub fee: Vec<u64>,
    /// The creator's part of `charged`.
    pub creator_net: Vec<u64>,
}

impl ChargeColumns {
    /// `rows` rows of zeros, to be filled in place.
    fn zeroed(rows: usize) -> Self {
        ChargeColumns {
            billed_minutes: vec![0; rows],
            gross: vec![0; rows],
            charged: vec![0; rows],
            shortfall: vec![0; rows],
            fee: vec![0; rows],
            creator_net: vec![0; rows],
        }
    }
}

/// Output columns for [`BillingPolicy::charge_many_into`], one slot per row.
#[derive(Debug)]
pub struct ChargeColumnsMut<'a> {
    /// Minutes billed.
    pub billed_minutes: &'a mut [u64],
    /// Full prices.
    pub gross: &'a mut [u64],
    /// What each fan pays.
    pub charged: &'a mut [u64],
    /// `gross - charged`.
    pub shortfall: &'a mut [u64],
    /// The platform's part.
    pub fee: &'a mut [u64],
    /// The creator's part.
    pub creator_net: &'a mut [u64],
}

/// Batches from this many rows are billed on every core.
const PARALLEL_ROWS: usize = 1 << 16;

/// The cores this process may use, read once: std reads the affinity mask and the cgroup
/// quota files on every call, which a batch would pay each time.
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

impl<'a> ChargeColumnsMut<'a> {
    /// The columns cut into consecutive runs of `chunk` rows (the last may be shorter).
    fn chunks(self, chunk: usize) -> impl Iterator<Item = ChargeColumnsMut<'a>> {
        let ChargeColumnsMut {
            billed_minutes,
            gross,
            charged,
            shortfall,
            fee,
            creator_net,
        } = self;
        billed_minutes
            .chunks_mut(chunk)
            .zip(gross.chunks_mut(chunk))
            .zip(charged.chunks_mut(chunk))
            .zip(shortfall.chunks_mut(chunk))
            .zip(fee.chunks_mut(chunk))
            .zip(creator_net.chunks_mut(chunk))
            .map(
                |(((((billed_minutes, gross), charged), shortfall), fee), creator_net)| {
                    ChargeColumnsMut {
                        billed_minutes,
                        gross,
                        charged,
                        shortfall,
                        fee,
                        creator_net,
                    }
                },
            )
    }
}

/// Rows a billing thread takes at a time from a large batch: small enough that a thread the
/// scheduler holds back on a busy machine leaves the rest of the batch to the others (the
/// batch then takes the time of the cores it got, not of its slowest fixed share), large
/// enough that taking one costs nothing next to billing it.
const PIECE_ROWS: usize = 1 << 15;

/// Runs `work(first_row, seconds, out)` over a batch: for a large batch on every core, each
/// thread (the calling one included) taking the next piece of [`PIECE_ROWS`] rows until
/// none is left; else in one piece here. The results come back in row order, one per
/// piece; a panic in a piece is its `Err`.
fn on_cores<T: Send>(
    seconds: &[u64],
    out: ChargeColumnsMut<'_>,
    work: impl Fn(usize, &[u64], ChargeColumnsMut<'_>) -> T + Sync,
) -> Vec<std::thread::Result<T>> {
    let rows = seconds.len();
    let threads = cores();
    let run = |first, secs, out| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(first, secs, out)))
    };
    if threads <= 1 || rows < PARALLEL_ROWS {
        return vec![run(0, seconds, out)];
    }
    let queue = std::sync::Mutex::new(
        seconds
            .chunks(PIECE_ROWS)
            .zip(out.chunks(PIECE_ROWS))
            .enumerate(),
    );
    let drain = || {
        let mut done = Vec::new();
        loop {
            let next = queue
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .next();
            let Some((k, (secs, out))) = next else {
                return done;
            };
            done.push((k, run(k * PIECE_ROWS, secs, out)));
        }
    };
    // Every piece's slot starts as "not run", so a piece lost with its thread still fails.
    let mut results: Vec<std::thread::Result<T>> = (0..rows.div_ceil(PIECE_ROWS))
        .map(|_| Err(Box::new("a billing thread was lost") as Box<dyn std::any::Any + Send>))
        .collect();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(drain)).collect();
        let mut done = drain();
        for helper in helpers {
            done.extend(helper.join().unwrap_or_default());
        }
        for (k, result) in done {
            results[k] = result;
        }
    });
    results
}

/// Rows per block of the fused pass per started minute. A block whose amounts are too large
/// for the small-amounts loop is redone by the general one: the smaller the block, the less
/// work one large amount wastes.
const BLOCK_ROWS: usize = 1 << 10;

/// A column of a batch as the fused loops read it: one value per row, or one for all.
trait PerRow: Copy {
    /// The value of row `i`.
    fn at(self, i: usize) -> u64;
    /// Rows `start..end`.
    fn rows(self, start: usize, end: usize) -> Self;
    /// The first `n` values, in order.
    fn values(self, n: usize) -> impl Iterator<Item = u64>;
}

impl PerRow for u64 {
    #[inline(always)]
    fn at(self, _: usize) -> u64 {
        self
    }
    fn rows(self, _: usize, _: usize) -> Self {
        self
    }
    fn values(self, n: usize) -> impl Iterator<Item = u64> {
        std::iter::repeat_n(self, n)
    }
}

impl PerRow for &[u64] {
    #[inline(always)]
    fn at(self, i: usize) -> u64 {
        self[i]
    }
    fn rows(self, start: usize, end: usize) -> Self {
        &self[start..end]
    }
    fn values(self, n: usize) -> impl Iterator<Item = u64> {
        self[..n].iter().copied()
    }
}

impl ChargeColumnsMut<'_> {
    /// Rows `start..end` of every column, reborrowed.
    fn rows(&mut self, start: usize, end: usize) -> ChargeColumnsMut<'_> {
        ChargeColumnsMut {
            billed_minutes: &mut self.billed_minutes[start..end],
            gross: &mut self.gross[start..end],
            charged: &mut self.charged[start..end],
            shortfall: &mut self.shortfall[start..end],
            fee: &mut self.fee[start..end],
            creator_net: &mut self.creator_net[start..end],
        }
    }
}

impl BillingPolicy {
    /// Charges many calls at once: row `i` is `charge(seconds[i], rates[i], balances[i])`,
    /// with no balance cap when `balances` is `None`. A length mismatch, or a row whose
    /// amounts overflow, is `INVALID_INPUT` naming the row; nothing is returned then.
    pub fn charge_many(
        &self,
        seconds: &[u64],
        rates: Column<'_>,
        balances: Option<Column<'_>>,
    ) -> Result<ChargeColumns> {
        let rows = seconds.len();
        let mut out = ChargeColumns::zeroed(rows);
        self.charge_many_into(
            seconds,
            rates,
            balances,
            ChargeColumnsMut {
                billed_minutes: &mut out.billed_minutes,
                gross: &mut out.gross,
                charged: &mut out.charged,
                shortfall: &mut out.shortfall,
                fee: &mut out.fee,
                creator_net: &mut out.creator_net,
            },
        )?;
        Ok(out)
    }

    /// [`charge_many`](Self::charge_many) into columns the caller allocated (each exactly
    /// `seconds.len()` long), so a binding can fill its own buffers without a copy. On an
    /// error the columns hold partial results and must be discarded.
    pub fn charge_many_into(
        &self,
        seconds: &[u64],
        rates: Column<'_>,
        balances: Option<Column<'_>>,
        out: ChargeColumnsMut<'_>,
    ) -> Result<()> {
        let rows = seconds.len();
        rates.check_len("rates", rows)?;
        let balances = balances.unwrap_or(Column::All(u64::MAX));
        balances.check_len("balances", rows)?;
        for (name, col) in [
            ("billed_minutes", &*out.billed_minutes),
            ("gross", &*out.gross),
            ("charged", &*out.charged),
            ("shortfall", &*out.shortfall),
            ("fee", &*out.fee),
            ("creator_net", &*out.creator_net),
        ] {
            Column::Each(col).check_len(name, rows)?;
        }
        // The first error in row order wins.
        on_cores(seconds, out, |first, secs, out| {
            self.charge_rows(first, secs, rates, balances, out)
        })
        .into_iter()
        .try_for_each(|r| r.unwrap_or_else(|_| Err(Error::internal("a billing thread panicked"))))
    }

    /// [`charge_many_into`](Self::charge_many_into) for callers whose inputs and results
    /// must all stay at or below `bound` (a binding reading and writing int64 columns passes
    /// `i64::MAX`). One fused pass over the columns, on every core for large batches, with no
    /// per-row error path: `Ok(true)` when every row was charged; `Ok(false)` as soon as any
    /// input or result is above `bound` or a row would overflow, the columns then holding
    /// garbage, so the caller reports the exact problem with its own checks and
    /// [`charge_many_into`](Self::charge_many_into). A length mismatch is `INVALID_INPUT`.
    pub fn charge_many_bounded(
        &self,
        seconds: &[u64],
        rates: Column<'_>,
        balances: Option<Column<'_>>,
        out: ChargeColumnsMut<'_>,
        bound: u64,
    ) -> Result<bool> {
        let rows = seconds.len();
        rates.check_len("rates", rows)?;
        let balances = balances.unwrap_or(Column::All(u64::MAX));
        balances.check_len("balances", rows)?;
        for col in [
            &*out.billed_minutes,
            &*out.gross,
            &*out.charged,
            &*out.shortfall,
            &*out.fee,
            &*out.creator_net,
        ] {
            Column::Each(col).check_len("output", rows)?;
        }
        // An absent balance is no cap: clamp it into range instead of refusing the batch.
        let balances = match balances {
            Column::All(v) => Column::All(v.min(bound)),
            each => each,
        };
        // A panicked chunk counts as out of range, so the caller's checked path runs (and
        // reports) instead.
        Ok(on_cores(seconds, out, |first, secs, out| {
            self.fused_rows(first, secs, rates, balances, out, bound)
        })
        .into_iter()
        .all(|r| r.unwrap_or(false)))
    }

    /// The rows from `first` in one pass: one loop per rounding and column shape, so the
    /// compiler sees no per-row branch on either. On a CPU with AVX2 the same loops run
    /// compiled for it: four rows per instruction rather than two, and a 64-bit compare in
    /// one instruction rather than five.
    fn fused_rows(
        &self,
        first: usize,
        seconds: &[u64],
        rates: Column<'_>,
        balances: Column<'_>,
        out: ChargeColumnsMut<'_>,
        bound: u64,
    ) -> bool {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { self.fused_rows_avx2(first, seconds, rates, balances, out, bound) };
        }
        self.fused_rows_any(first, seconds, rates, balances, out, bound)
    }

    /// [`fused_rows_any`](Self::fused_rows_any) compiled for AVX2 (the loops below it are
    /// inlined into it).
    ///
    /// # Safety
    /// The CPU must have AVX2. (An `unsafe fn`: a safe function with `target_feature` needs
    /// Rust 1.86, newer than this crate's `rust-version`.)
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn fused_rows_avx2(
        &self,
        first: usize,
        seconds: &[u64],
        rates: Column<'_>,
        balances: Column<'_>,
        out: ChargeColumnsMut<'_>,
        bound: u64,
    ) -> bool {
        self.fused_rows_any(first, seconds, rates, balances, out, bound)
    }

    #[inline(always)]
    fn fused_rows_any(
        &self,
        first: usize,
        seconds: &[u64],
        rates: Column<'_>,
        balances: Column<'_>,
        out: ChargeColumnsMut<'_>,
        bound: u64,
    ) -> bool {
        match self.rounding {
            Rounding::PerStartedMinute => {
                self.fused_shapes::<false>(first, seconds, rates, balances, out, bound)
            }
            Rounding::PerSecond => {
                self.fused_shapes::<true>(first, seconds, rates, balances, out, bound)
            }
        }
    }

    #[inline(always)]
    fn fused_shapes<const PER_SECOND: bool>(
        &self,
        first: usize,
        seconds: &[u64],
        rates: Column<'_>,
        balances: Column<'_>,
        out: ChargeColumnsMut<'_>,
        bound: u64,
    ) -> bool {
        let n = seconds.len();
        match (rates, balances) {
            (Column::Each(r), Column::Each(b)) => {
                let (r, b) = (&r[first..first + n], &b[first..first + n]);
                self.fused_blocks::<PER_SECOND, _, _>(seconds, r, b, out, bound)
            }
            (Column::Each(r), Column::All(b)) => {
                let r = &r[first..first + n];
                self.fused_blocks::<PER_SECOND, _, _>(seconds, r, b, out, bound)
            }
            (Column::All(r), Column::Each(b)) => {
                let b = &b[first..first + n];
                self.fused_blocks::<PER_SECOND, _, _>(seconds, r, b, out, bound)
            }
            (Column::All(r), Column::All(b)) => {
                self.fused_blocks::<PER_SECOND, _, _>(seconds, r, b, out, bound)
            }
        }
    }

    /// The rows in blocks of [`BLOCK_ROWS`]: per started minute, each block first through
    /// [`small_block`](Self::small_block), and through [`fused`](Self::fused) when its
    /// amounts are too large for it (and from then on, for the rest of the rows, as a batch
    /// with large amounts would otherwise pay for both).
    #[inline(always)]
    fn fused_blocks<const PER_SECOND: bool, R: PerRow, B: PerRow>(
        &self,
        seconds: &[u64],
        rates: R,
        balances: B,
        mut out: ChargeColumnsMut<'_>,
        bound: u64,
    ) -> bool {
        let mut small = !PER_SECOND;
        for start in (0..seconds.len()).step_by(BLOCK_ROWS) {
            let end = seconds.len().min(start + BLOCK_ROWS);
            let secs = &seconds[start..end];
            let (r, b) = (rates.rows(start, end), balances.rows(start, end));
            if small && self.small_block(secs, r, b, out.rows(start, end), bound) {
                continue;
            }
            small = false;
            let (r, b) = (r.values(secs.len()), b.values(secs.len()));
            if !self.fused::<PER_SECOND>(secs, r, b, out.rows(start, end), bound) {
                return false;
            }
        }
        true
    }

    /// [`fused`](Self::fused) per started minute for a block whose amounts are small:
    /// seconds below 2^31, rates below 2^32, balances below 2^63 and every gross below 2^32.
    /// Every product is then one of two 32-bit numbers, which the compiler turns into vector
    /// multiplies, and nothing is divided: the started minutes are a multiply and a shift,
    /// the fee a 32-bit fixed-point estimate and one correction. `false` when a row is
    /// outside that range or above `bound`, the block then holding garbage.
    #[inline(always)]
    fn small_block<R: PerRow, B: PerRow>(
        &self,
        seconds: &[u64],
        rates: R,
        balances: B,
        out: ChargeColumnsMut<'_>,
        bound: u64,
    ) -> bool {
        const LOW: u64 = 0xffff_ffff;
        if self.fee_bps > 10_000 {
            return false;
        }
        let n = seconds.len();
        let (rates, balances) = (rates.rows(0, n), balances.rows(0, n));
        let ChargeColumnsMut {
            billed_minutes,
            gross,
            charged,
            shortfall,
            fee,
            creator_net,
        } = out;
        let (m, g, c) = (&mut billed_minutes[..n], &mut gross[..n], &mut charged[..n]);
        let (s, f, net) = (&mut shortfall[..n], &mut fee[..n], &mut creator_net[..n]);
        let bps = u64::from(self.fee_bps);
        // estimate = floor(charged * K / 2^32) with K = floor(bps * 2^32 / 10^4) (2^32 - 1
        // for 10^4) is floor(charged * bps / 10^4) or 1 below it for charged < 2^32, as
        // K / 2^32 is at most 1 / 2^32 below bps / 10^4: the remainder tells which.
        let k = if bps == 10_000 {
            LOW
        } else {
            (bps << 32) / 10_000
        };
        let minimum = u64::from(self.minimum_minutes);
        let (mut large, mut all_in, mut all_out) = (0u64, 0u64, 0u64);
        for i in 0..n {
            let (secs, rate, balance) = (seconds[i], rates.at(i), balances.at(i));
            large |= (secs >> 31) | (rate >> 32) | (balance >> 63);
            all_in |= secs | rate | balance;
            // ceil(secs / 60) = floor((secs + 59) / 60): 0x88888889 / 2^37 is 1 / 60 closely
            // enough for every dividend below 2^32.
            let started = ((secs.wrapping_add(59) & LOW) * 0x8888_8889) >> 37;
            let min = if secs > 0 { minimum } else { 0 };
            // Both below 2^32 (and every balance below 2^63 here): signed compares are exact.
            let minutes = if (started as i64) < (min as i64) {
                min
            } else {
                started
            };
            let total = (minutes & LOW) * (rate & LOW);
            large |= total >> 32;
            let paid = if (balance as i64) < (total as i64) {
                balance
            } else {
                total
            };
            let estimate = ((paid & LOW) * k) >> 32;
            let remainder = ((paid & LOW) * bps).wrapping_sub((estimate & LOW) * 10_000);
            let platform = if (remainder as i64) >= 10_000 {
                estimate + 1
            } else {
                estimate
            };
            all_out |= total | minutes;
            // Wrapping: a row out of range computes garbage, never a panic.
            (m[i], g[i], c[i]) = (minutes, total, paid);
            (s[i], f[i]) = (total.wrapping_sub(paid), platform);
            net[i] = paid.wrapping_sub(platform);
        }
        // Every other result is at most its row's gross.
        large == 0 && all_in <= bound && all_out <= bound
    }

    /// The same arithmetic as [`charge`](Self::charge), without a branch per row: "out of
    /// range" is one running maximum checked at the end instead of a stop at the row.
    #[inline(always)]
    fn fused<const PER_SECOND: bool>(
        &self,
        seconds: &[u64],
        rates: impl Iterator<Item = u64>,
        balances: impl Iterator<Item = u64>,
        out: ChargeColumnsMut<'_>,
        bound: u64,
    ) -> bool {
        if self.fee_bps > 10_000 {
            return false;
        }
        let bps = u64::from(self.fee_bps);
        // Every other result is at most `gross`, so `minutes` and `gross` at or below the
        // limit keep every output in range; below `u64::MAX / 10_000`, `charged * bps`
        // cannot overflow (larger amounts go to the checked path).
        let limit = bound.min(u64::MAX / 10_000);
        let minimum = u64::from(self.minimum_minutes);
        // The bitwise OR of values bounds each of them: `all_in <= bound` proves every input
        // in range (exactly so for a bound of 2^k - 1, such as `i64::MAX`; for other bounds
        // a false alarm only sends the batch to the checked path).
        let (mut all_in, mut all_out, mut overflow) = (0u64, 0u64, false);
        let inputs = seconds.iter().zip(rates).zip(balances);
        let rows = out
            .billed_minutes
            .iter_mut()
            .zip(out.gross.iter_mut())
            .zip(out.charged.iter_mut().zip(out.shortfall.iter_mut()))
            .zip(out.fee.iter_mut().zip(out.creator_net.iter_mut()));
        for (((&secs, rate), balance), (((m, g), (c, s)), (f, n))) in inputs.zip(rows) {
            let min = if secs > 0 { minimum } else { 0 };
            let (minutes, gross) = if PER_SECOND {
                let (product, o1) = secs.overflowing_mul(rate);
                let (floor, o2) = min.overflowing_mul(rate);
                overflow |= o1 | o2;
                let pro_rata = product / 60;
                if pro_rata < floor {
                    (min, floor)
                } else {
                    (0, pro_rata)
                }
            } else {
                // `secs + 59` wraps only for an input far out of range (caught below).
                let minutes = (secs.wrapping_add(59) / 60).max(min);
                let (gross, o) = minutes.overflowing_mul(rate);
                overflow |= o | (secs > u64::MAX - 59);
                (minutes, gross)
            };
            let charged = gross.min(balance);
            let fee = charged.wrapping_mul(bps) / 10_000;
            all_in |= secs | rate | balance;
            all_out |= gross | minutes;
            (*m, *g, *c, *s, *f, *n) =
                (minutes, gross, charged, gross - charged, fee, charged - fee);
        }
        !overflow && all_in <= bound && all_out <= limit
    }

    /// Rows `first..first + seconds.len()` of a batch, on this thread, checked row by row.
    fn charge_rows(
        &self,
        first: usize,
        seconds: &[u64],
        rates: Column<'_>,
        balances: Column<'_>,
        out: ChargeColumnsMut<'_>,
    ) -> Result<()> {
        let outputs = out
            .billed_minutes
            .iter_mut()
            .zip(out.gross.iter_mut())
            .zip(out.charged.iter_mut().zip(out.shortfall.iter_mut()))
            .zip(out.fee.iter_mut().zip(out.creator_net.iter_mut()));
        for (j, (&secs, (((m, g), (c, s)), (f, n)))) in seconds.iter().zip(outputs).enumerate() {
            let i = first + j;
            let charge = self
                .charge(secs, rates.at(i), balances.at(i))
                .map_err(|e| e.at_item(i))?;
            (*m, *g) = (charge.bill.billed_minutes, charge.bill.gross);
            (*c, *s) = (charge.charged, charge.shortfall);
            (*f, *n) = (charge.fee, charge.creator_net);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::{BillingPolicy, Rounding};

    #[test]
    fn charge_many_matches_charge_row_by_row() {
        let p = BillingPolicy::new(10, Rounding::PerStartedMinute, 1, 1_500).unwrap();
        let seconds = [0, 1, 59, 61, 3_600];
        let rates = [10, 7, 0, 60, 3];
        let balances = [100, 0, 5, 50, u64::MAX];
        let cols = p
            .charge_many(
                &seconds,
                Column::Each(&rates),
                Some(Column::Each(&balances)),
            )
            .unwrap();
        for i in 0..seconds.len() {
            let c = p.charge(seconds[i], rates[i], balances[i]).unwrap();
            assert_eq!(cols.gross[i], c.bill.gross);
            assert_eq!(cols.billed_minutes[i], c.bill.billed_minutes);
            assert_eq!(
                (
                    cols.charged[i],
                    cols.shortfall[i],
                    cols.fee[i],
                    cols.creator_net[i]
                ),
                (c.charged, c.shortfall, c.fee, c.creator_net)
            );
        }
        let uniform = p.charge_many(&seconds, Column::All(10), None).unwrap();
        assert_eq!(uniform.shortfall, vec![0; 5]);
        let e = p
            .charge_many(&seconds, Column::Each(&rates[..2]), None)
            .unwrap_err();
        assert_eq!(e.code(), "INVALID_INPUT");
        let e = p
            .charge_many(&[1, u64::MAX], Column::All(u64::MAX), None)
            .unwrap_err();
        assert!(e.to_string().contains("item 1"), "{e}");
    }

    #[test]
    fn large_batches_split_across_threads_keep_order_and_the_first_error() {
        let p = BillingPolicy::new(7, Rounding::PerSecond, 1, 1_234).unwrap();
        let rows = PARALLEL_ROWS * 3 + 17;
        let seconds: Vec<u64> = (0..rows as u64).map(|i| i % 5_000).collect();
        let rates: Vec<u64> = (0..rows as u64).map(|i| i % 97).collect();
        let cols = p
            .charge_many(&seconds, Column::Each(&rates), Some(Column::All(300)))
            .unwrap();
        for i in [0, 1, PARALLEL_ROWS, rows / 2, rows - 1] {
            let c = p.charge(seconds[i], rates[i], 300).unwrap();
            assert_eq!(
                (cols.gross[i], cols.fee[i]),
                (c.bill.gross, c.fee),
                "item {i}"
            );
        }
        let mut bad = seconds.clone();
        bad[rows - 5] = u64::MAX;
        bad[rows / 2] = u64::MAX;
        let e = p.charge_many(&bad, Column::All(100), None).unwrap_err();
        assert!(e.to_string().contains(&format!("item {}", rows / 2)), "{e}");
        bad[rows / 2] = 0;
        let e = p.charge_many(&bad, Column::All(100), None).unwrap_err();
        assert!(e.to_string().contains(&format!("item {}", rows - 5)), "{e}");
    }

    /// Runs `charge_many_bounded` into fresh columns; `None` when it answered "out of range".
    fn bounded(
        p: &BillingPolicy,
        seconds: &[u64],
        rates: Column<'_>,
        balances: Option<Column<'_>>,
        bound: u64,
    ) -> Option<ChargeColumns> {
        let rows = seconds.len();
        let mut out = ChargeColumns::zeroed(rows);
        let cols = ChargeColumnsMut {
            billed_minutes: &mut out.billed_minutes,
            gross: &mut out.gross,
            charged: &mut out.charged,
            shortfall: &mut out.shortfall,
            fee: &mut out.fee,
            creator_net: &mut out.creator_net,
        };
        p.charge_many_bounded(seconds, rates, balances, cols, bound)
            .unwrap()
            .then_some(out)
    }

    #[test]
    fn the_fused_pass_equals_the_checked_path_or_says_out_of_range() {
        // Both roundings, every column shape, serial and threaded batch sizes.
        for rounding in [Rounding::PerStartedMinute, Rounding::PerSecond] {
            let p = BillingPolicy::new(7, rounding, 2, 1_234).unwrap();
            for rows in [0, 1, 59, 1_000, PARALLEL_ROWS * 2 + 3] {
                let n = rows as u64;
                let seconds: Vec<u64> = (0..n).map(|i| (i * 7_919) % 10_000).collect();
                let rates: Vec<u64> = (0..n).map(|i| (i * 31) % 500).collect();
                let balances: Vec<u64> = (0..n).map(|i| (i * 104_729) % 50_000).collect();
                // Amounts too large for the small-amounts loop, in some rows from the
                // middle of the batch on: a gross above 2^32, a rate of 2^32, no cap.
                let large: Vec<u64> = (0..n)
                    .map(|i| match i % 2_999 {
                        7 if i > n / 2 => 1 << 32,
                        8 if i > n / 2 => 100_000_000,
                        _ => (i * 31) % 500,
                    })
                    .collect();
                let shapes = [
                    (Column::Each(&rates), Some(Column::Each(&balances))),
                    (Column::Each(&rates), None),
                    (Column::All(13), Some(Column::Each(&balances))),
                    (Column::All(13), Some(Column::All(400))),
                    (Column::Each(&large), Some(Column::Each(&balances))),
                    (Column::Each(&large), None),
                    (Column::All(100_000_000), None),
                ];
                for (r, b) in shapes {
                    let checked = p.charge_many(&seconds, r, b).unwrap();
                    let fused = bounded(&p, &seconds, r, b, i64::MAX as u64);
                    assert_eq!(fused.as_ref(), Some(&checked), "{rounding:?} {rows} rows");
                }
            }
            // Out of range: an input above the bound (a negative int64 read as u64), a
            // result above it, and an overflow; each wherever it sits in the batch.
            let rows = PARALLEL_ROWS * 2 + 3;
            for at in [0, rows / 2, rows - 1] {
                let mut seconds = vec![60u64; rows];
                seconds[at] = (-5i64) as u64;
                assert!(bounded(&p, &seconds, Column::All(10), None, i64::MAX as u64).is_none());
                seconds[at] = 60;
                let mut balances = vec![0u64; rows];
                balances[at] = (-1i64) as u64;
                let b = Some(Column::Each(&balances));
                assert!(bounded(&p, &seconds, Column::All(10), b, i64::MAX as u64).is_none());
                seconds[at] = 600;
                assert!(bounded(&p, &seconds, Column::All(10), None, 99).is_none());
                seconds[at] = u64::MAX / 2;
                assert!(bounded(&p, &seconds, Column::All(1 << 20), None, u64::MAX).is_none());
            }
        }
    }

    #[test]
    fn the_small_amounts_loop_is_exact_up_to_its_limits_and_refuses_beyond() {
        const LOW: u64 = (1 << 32) - 1;
        let seconds = [
            0,
            1,
            59,
            60,
            61,
            3_599,
            3_600,
            (1 << 31) - 1,
            (1 << 31) - 60,
        ];
        let rates = [0, 1, 7, 60, 9_999, 1 << 20, LOW];
        let balances = [0, 1, 99, LOW - 1, LOW, 1 << 40, i64::MAX as u64];
        for minimum in [0, 1, 3, u32::MAX] {
            for fee_bps in [0, 1, 1_234, 5_000, 9_999, 10_000] {
                let p =
                    BillingPolicy::new(1, Rounding::PerStartedMinute, minimum, fee_bps).unwrap();
                for &secs in &seconds {
                    for &rate in &rates {
                        for &balance in &balances {
                            let Ok(c) = p.charge(secs, rate, balance) else {
                                continue;
                            };
                            let mut out = ChargeColumns::zeroed(1);
                            let cols = ChargeColumnsMut {
                                billed_minutes: &mut out.billed_minutes,
                                gross: &mut out.gross,
                                charged: &mut out.charged,
                                shortfall: &mut out.shortfall,
                                fee: &mut out.fee,
                                creator_net: &mut out.creator_net,
                            };
                            let bound = i64::MAX as u64;
                            let fits = p.small_block(&[secs], rate, balance, cols, bound);
                            // It takes every row whose gross is below 2^32, exactly.
                            assert_eq!(fits, c.bill.gross <= LOW, "{secs} s at {rate}");
                            if fits {
                                let row = (out.billed_minutes[0], out.gross[0], out.charged[0]);
                                let split = (out.shortfall[0], out.fee[0], out.creator_net[0]);
                                assert_eq!(row, (c.bill.billed_minutes, c.bill.gross, c.charged));
                                assert_eq!(split, (c.shortfall, c.fee, c.creator_net));
                            }
                        }
                    }
                }
            }
        }
        // Beyond its limits it refuses the block, whatever the row's gross.
        let p = BillingPolicy::new(1, Rounding::PerStartedMinute, 0, 0).unwrap();
        let mut out = ChargeColumns::zeroed(2);
        for (secs, rate, balance) in [
            (1 << 31, 1, 0),
            (u64::MAX, 1, 0),
            (60, 1 << 32, 0),
            (60, 1, 1 << 63),
            (60, 1, u64::MAX),
        ] {
            let cols = ChargeColumnsMut {
                billed_minutes: &mut out.billed_minutes,
                gross: &mut out.gross,
                charged: &mut out.charged,
                shortfall: &mut out.shortfall,
                fee: &mut out.fee,
                creator_net: &mut out.creator_net,
            };
            let secs: &[u64] = &[60, secs];
            assert!(!p.small_block(secs, &[1, rate][..], &[5, balance][..], cols, u64::MAX));
        }
    }
}
