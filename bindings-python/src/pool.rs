//! Memory for large numpy result columns, reused from one batch to the next.
//!
//! A fresh column of a million rows is 8 MB the kernel maps and zeroes page by page on its
//! first write. With six such columns per batch that cost more than the billing itself, and
//! it varied from call to call with what malloc had kept: freeing a batch's columns leaves a
//! free block at the top of the heap that malloc hands back to the system, so the next batch
//! faulted most of its pages in again. A column whose array has died comes back here
//! instead (a bounded amount), and the next batch writes into memory already backed.
//!
//! Pooled columns are mapped from the kernel directly, not taken from malloc: kept in
//! malloc's heap, they sat among the caller's own blocks (numpy's temporaries), so the
//! caller's next batch found its freed space taken and grew the heap again, faulting it in
//! (with `M_TRIM_THRESHOLD`/`M_MMAP_THRESHOLD` raised, numpy's first batch after ours took
//! 3,000-4,000 page faults and 70-300 ms instead of 13 ms).
//!
//! From one huge page up, a column is mapped on a huge-page boundary and asks for huge pages
//! (`map`), as numpy does for its own large arrays: fewer faults for a fresh column, and
//! one TLB entry per 2 MB for the billing threads, whose time per batch then varies much
//! less (a batch of 1,000,000 rows: 1.7-2.1 ms, was 2.3-3.5 ms). On a virtual machine whose
//! host backs guest memory only when first used, the first batch to take memory nothing has
//! used yet pays for that (hundreds of milliseconds per million rows), as numpy's own large
//! arrays do; memory used once is fast from then on.

use std::alloc::{alloc, dealloc, Layout};
use std::collections::VecDeque;
use std::ptr::NonNull;
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Batches from this many rows take their columns from the pool: smaller columns are a
/// few pages, which malloc's own free lists already reuse.
const POOLED_ROWS: usize = 1 << 15;

/// The most memory kept for later batches once its arrays have died: the six columns of a
/// batch of 2,000,000 rows, or of several smaller batches.
const KEEP_BYTES: usize = 96 << 20;

/// A column is only reused for a batch needing at least this fraction of it, so a small
/// batch does not pin a large block.
const MIN_FILL: usize = 2;

const PAGE: usize = 4096;

/// Page-aligned memory for `capacity` int64 items.
struct Block {
    ptr: NonNull<u64>,
    capacity: usize,
}

// SAFETY: a block is plain memory owned by whoever holds the `Block`; nothing else refers
// to it while it sits in the pool.
unsafe impl Send for Block {}
// SAFETY: a shared `&Block` only reads its address and capacity, never the memory.
unsafe impl Sync for Block {}

impl Block {
    fn layout(capacity: usize) -> Option<Layout> {
        Layout::array::<u64>(capacity).ok()?.align_to(PAGE).ok()
    }

    /// Fresh memory for `capacity` items (more than 0), backed at once; `None` when the
    /// system has none. A column the pool may keep is mapped on its own (see the module
    /// docs), a smaller one comes from the allocator.
    fn new(capacity: usize) -> Option<Block> {
        let layout = Block::layout(capacity)?;
        let ptr = if Block::mapped(capacity) {
            map(layout.size())?
        } else {
            // SAFETY: the layout has a non-zero size (capacity > 0, checked by the caller).
            NonNull::new(unsafe { alloc(layout) }.cast::<u64>())?
        };
        populate(ptr, layout.size());
        Some(Block { ptr, capacity })
    }

    /// Whether a block of `capacity` items is mapped from the kernel.
    fn mapped(capacity: usize) -> bool {
        cfg!(unix) && capacity >= POOLED_ROWS
    }

    fn bytes(&self) -> usize {
        self.capacity * 8
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        let Some(layout) = Block::layout(self.capacity) else {
            return;
        };
        if Block::mapped(self.capacity) {
            unmap(self.ptr, layout.size());
        } else {
            // SAFETY: allocated in `Block::new` with this very layout, freed once.
            unsafe { dealloc(self.ptr.as_ptr().cast(), layout) };
        }
    }
}

/// Blocks whose arrays have died, oldest first, and their total size.
struct Pool {
    free: VecDeque<Block>,
    bytes: usize,
}

static POOL: Mutex<Pool> = Mutex::new(Pool {
    free: VecDeque::new(),
    bytes: 0,
});

fn pool() -> std::sync::MutexGuard<'static, Pool> {
    // The pool's state is valid after any panic (a block is in it or not).
    POOL.lock().unwrap_or_else(|e| e.into_inner())
}

/// The memory of one result column of `rows` int64 items, going back to the pool when
/// dropped. The caller writes it through [`Lease::words`], then hands it to numpy with
/// [`Lease::into_numpy`].
pub struct Lease {
    block: Option<Block>,
    rows: usize,
}

impl Lease {
    /// A column of `rows` items: for a large batch the smallest free block that fits and is
    /// not too large, else fresh memory. `None` when the allocator has none.
    pub fn new(rows: usize) -> Option<Lease> {
        if rows == 0 {
            return Some(Lease { block: None, rows });
        }
        let reused = if rows < POOLED_ROWS {
            None
        } else {
            let mut pool = pool();
            // The smallest fit, the most recently freed among equals (its lines are the
            // likeliest still in cache).
            let fit = pool
                .free
                .iter()
                .enumerate()
                .rev()
                .filter(|(_, b)| b.capacity >= rows && b.capacity / MIN_FILL <= rows)
                .min_by_key(|(_, b)| b.capacity)
                .map(|(i, _)| i);
            let block = fit.and_then(|i| pool.free.remove(i));
            if let Some(b) = &block {
                pool.bytes -= b.bytes();
            }
            block
        };
        let block = match reused {
            Some(block) => block,
            None => Block::new(rows)?,
        };
        Some(Lease {
            block: Some(block),
            rows,
        })
    }

    /// The column's memory (its previous contents are unspecified).
    pub fn words(&mut self) -> &mut [u64] {
        match &self.block {
            // SAFETY: the block holds at least `rows` items, is owned by this lease alone
            // and borrowed mutably with it.
            Some(b) => unsafe { std::slice::from_raw_parts_mut(b.ptr.as_ptr(), self.rows) },
            None => &mut [],
        }
    }

    /// A numpy int64 array over the column, which keeps the memory until it (and every view
    /// of it) has died.
    pub fn into_numpy<'py>(
        self,
        py: Python<'py>,
        numpy: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if self.block.is_none() {
            return numpy.call_method1("empty", (0, "int64"));
        }
        let owner = Bound::new(py, ColumnMemory { lease: self })?;
        numpy.call_method1("asarray", (owner,))
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let Some(block) = self.block.take() else {
            return;
        };
        if block.capacity < POOLED_ROWS || block.bytes() > KEEP_BYTES {
            return;
        }
        let mut pool = pool();
        pool.bytes += block.bytes();
        pool.free.push_back(block);
        // Keep the newest blocks: they fit the batches being billed now.
        while pool.bytes > KEEP_BYTES {
            match pool.free.pop_front() {
                Some(old) => pool.bytes -= old.bytes(),
                None => break,
            }
        }
    }
}

/// The owner of a result column's memory, seen by numpy through `__array_interface__`:
/// the array keeps it as its base, and its memory goes back to the pool when it dies.
#[pyclass(frozen, name = "ColumnMemory", module = "fanline._native")]
struct ColumnMemory {
    lease: Lease,
}

#[pymethods]
impl ColumnMemory {
    /// numpy's array interface (version 3): one writable, C-contiguous int64 column.
    #[getter]
    fn __array_interface__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let address = self
            .lease
            .block
            .as_ref()
            .map_or(0, |b| b.ptr.as_ptr() as usize);
        let iface = PyDict::new(py);
        iface.set_item("data", (address, false))?;
        iface.set_item("shape", (self.lease.rows,))?;
        let typestr = if cfg!(target_endian = "little") {
            "<i8"
        } else {
            ">i8"
        };
        iface.set_item("typestr", typestr)?;
        iface.set_item("version", 3)?;
        Ok(iface)
    }
}

/// The size of a transparent huge page on x86-64 and (with 4 KiB base pages) aarch64.
const HUGE_PAGE: usize = 2 << 20;

/// `bytes` of fresh zeroed memory mapped for this process alone (page-aligned). From one
/// huge page up, the mapping starts on a huge-page boundary and asks for huge pages, as
/// numpy does for its own large arrays: backing 8 MB then takes 4 page allocations instead
/// of 2,048, which on a virtual machine cost more than the billing (a batch of 10,000,000
/// rows, too large for the pool to keep, took about 100,000 page faults and 145 ms each time,
/// where numpy's vectorized formula took 135 ms; 51-66 ms with huge pages).
#[cfg(unix)]
fn map(bytes: usize) -> Option<NonNull<u64>> {
    let huge = bytes >= HUGE_PAGE;
    // A huge page must lie on its own boundary: map one more than asked for, then give back
    // the unaligned head and the tail beyond the aligned range.
    let len = if huge { bytes + HUGE_PAGE } else { bytes };
    // SAFETY: an anonymous private mapping at an address of the kernel's choosing touches
    // no existing memory.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        return None;
    }
    let start = ptr as usize;
    if !huge {
        return NonNull::new(ptr.cast::<u64>());
    }
    // The system's own page (16 or 64 KiB on some aarch64 kernels), not `PAGE`: `unmap`
    // later gives back `bytes` rounded up to it, so the kept range must end there.
    let page = system_page();
    let aligned = start.next_multiple_of(HUGE_PAGE);
    let end = aligned + bytes.next_multiple_of(page);
    // SAFETY: both ranges lie inside the mapping just made and outside the part kept; each
    // is a whole number of pages (the mapping and `aligned` are page-aligned, `end` is
    // rounded up to a page and at most `start + len` rounded up to one).
    unsafe {
        if aligned > start {
            libc::munmap(ptr, aligned - start);
        }
        let mapped_end = (start + len).next_multiple_of(page);
        if mapped_end > end {
            libc::munmap(end as *mut libc::c_void, mapped_end - end);
        }
    }
    #[cfg(target_os = "linux")]
    // SAFETY: the range is the kept mapping; MADV_HUGEPAGE only changes how the kernel backs
    // it (a hint: with huge pages off, or none free, it is backed by small pages as before).
    unsafe {
        libc::madvise(
            aligned as *mut libc::c_void,
            end - aligned,
            libc::MADV_HUGEPAGE,
        );
    }
    NonNull::new(aligned as *mut u64)
}

/// The size of the system's memory pages, read once (`PAGE` if the system will not say).
#[cfg(unix)]
fn system_page() -> usize {
    static SIZE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *SIZE.get_or_init(|| {
        // SAFETY: sysconf reads a constant of the system; it has no preconditions.
        let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        usize::try_from(size)
            .ok()
            .filter(|&s| s.is_power_of_two() && s <= HUGE_PAGE)
            .unwrap_or(PAGE)
    })
}

#[cfg(not(unix))]
fn map(_bytes: usize) -> Option<NonNull<u64>> {
    None
}

/// Unmaps a block [`map`] made.
fn unmap(ptr: NonNull<u64>, bytes: usize) {
    // SAFETY: `ptr` and `bytes` are those of one mapping made by `map`, unmapped once.
    #[cfg(unix)]
    unsafe {
        libc::munmap(ptr.as_ptr().cast(), bytes);
    }
    #[cfg(not(unix))]
    let _ = (ptr, bytes);
}

/// Asks the kernel to back `bytes` at `ptr` with memory now, in one call, rather than page
/// by page as the billing threads first write them (those faults, taken by two threads at
/// once, contend in the kernel). Only a hint: on failure the writes fault as before.
fn populate(ptr: NonNull<u64>, bytes: usize) {
    #[cfg(target_os = "linux")]
    if bytes >= 2 * PAGE {
        // SAFETY: the range is the whole of a fresh, page-aligned allocation, and
        // MADV_POPULATE_WRITE only faults pages in: it changes no byte of them.
        unsafe {
            libc::madvise(
                ptr.as_ptr().cast(),
                bytes / PAGE * PAGE,
                libc::MADV_POPULATE_WRITE,
            );
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(lease: &mut Lease) -> usize {
        lease.words().as_ptr() as usize
    }

    fn pooled() -> (usize, usize) {
        let pool = pool();
        (pool.free.len(), pool.bytes)
    }

    /// One test for the one process-wide pool, so no other test races it.
    #[test]
    fn freed_columns_come_back_within_bounds() {
        let mut empty = Lease::new(0).unwrap();
        assert!(empty.words().is_empty());
        // Small columns go straight back to the allocator.
        let mut small = Lease::new(POOLED_ROWS - 1).unwrap();
        small.words().fill(7);
        drop(small);
        assert_eq!(pooled(), (0, 0));

        // A freed column serves the next batch that fills at least half of it.
        let rows = POOLED_ROWS * 4;
        let mut big = Lease::new(rows).unwrap();
        big.words().fill(1);
        let at = address(&mut big);
        drop(big);
        assert_eq!(pooled(), (1, rows * 8));
        let mut too_small = Lease::new(rows / 2 - 1).unwrap();
        assert_ne!(address(&mut too_small), at);
        let mut fits = Lease::new(rows / 2).unwrap();
        assert_eq!((address(&mut fits), fits.words().len()), (at, rows / 2));
        assert_eq!(pooled(), (0, 0));
        // While leased it is nobody else's.
        let mut other = Lease::new(rows / 2).unwrap();
        assert_ne!(address(&mut other), at);
        drop((too_small, fits, other));

        // The pool keeps the newest columns up to its bound.
        let column = KEEP_BYTES / 4;
        let leases: Vec<Lease> = (0..6).map(|_| Lease::new(column / 8).unwrap()).collect();
        drop(leases);
        let (count, bytes) = pooled();
        assert!(
            bytes <= KEEP_BYTES && count <= 4,
            "{count} blocks, {bytes} bytes"
        );
        assert!(Lease::new(KEEP_BYTES / 8 + 1).is_some());
        assert!(pooled().1 <= KEEP_BYTES);
    }

    #[cfg(unix)]
    #[test]
    fn columns_from_a_huge_page_up_start_on_a_huge_page_and_are_zeroed() {
        // Sizes on and off page and huge-page boundaries; each mapping is written whole and
        // given back, so a wrong trim of the head or tail faults or leaks here.
        for bytes in [
            HUGE_PAGE - PAGE,
            HUGE_PAGE,
            HUGE_PAGE + 8,
            3 * HUGE_PAGE + 5 * PAGE + 24,
        ] {
            let ptr = map(bytes).unwrap();
            let at = ptr.as_ptr() as usize;
            assert_eq!(at % system_page(), 0, "{bytes}");
            if bytes >= HUGE_PAGE {
                assert_eq!(at % HUGE_PAGE, 0, "{bytes}");
            }
            // SAFETY: the mapping holds `bytes` (a multiple of 8) and is this test's alone.
            let words = unsafe { std::slice::from_raw_parts_mut(ptr.as_ptr(), bytes / 8) };
            assert!(words.iter().all(|&w| w == 0), "{bytes}");
            words.fill(u64::MAX);
            unmap(ptr, bytes);
        }
    }
}
