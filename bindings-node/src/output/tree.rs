//! A whole result in one JS call. The serializer ([`super::ser`]) makes the result's leaves
//! (strings, numbers, `null`) as JS values and writes its structure to a [`Tape`]; the tape's
//! structure is then the key of a factory for the whole result, such as
//! `(function(a0,a1,a2){return {"events":[{"channel":a0,"name":a1}],"value":{"id":a2}}})`,
//! compiled once per env ([`shapes::tree`]). A result of a few objects was one JS call per
//! object; it is now one call in all. A tree too large for a factory (long lists) is built
//! object by object with the per-shape factories instead: same value.

use std::fmt::Write;

use napi::sys;

use super::ser::OutError;
use super::shapes::{self, Shapes};

/// Largest tree (encoded bytes) given a factory of its own.
const MAX_TREE_BYTES: usize = 4096;
/// Most leaves (arguments) of a tree factory.
const MAX_TREE_LEAVES: usize = 64;

const LEAF: u8 = b'L';
const OBJECT: u8 = b'O';
const ARRAY: u8 = b'A';

/// A result being written: its structure and its leaves, in order. The structure is a
/// sequence of nodes: a leaf (`L`), an array (`A`, its item count as a little-endian `u32`,
/// then the items) or an object (`O`, 1 for a struct or 0 for a map, the entry count, then
/// each entry: its key in [`shapes::push_key`] form and its value).
pub struct Tape {
    shape: Vec<u8>,
    leaves: Vec<sys::napi_value>,
    /// Whether an object of the tree is a map (its keys may come from data).
    maps: bool,
}

impl Default for Tape {
    fn default() -> Self {
        Tape {
            shape: Vec::with_capacity(512),
            leaves: Vec::with_capacity(32),
            maps: false,
        }
    }
}

impl Tape {
    /// A leaf value.
    pub fn leaf(&mut self, value: sys::napi_value) {
        self.shape.push(LEAF);
        self.leaves.push(value);
    }

    /// Opens an object; returns where to [`close`](Self::close) it.
    pub fn open_object(&mut self, fixed: bool) -> usize {
        self.maps |= !fixed;
        self.shape.extend_from_slice(&[OBJECT, u8::from(fixed)]);
        self.count_slot()
    }

    /// Opens an array; returns where to [`close`](Self::close) it.
    pub fn open_array(&mut self) -> usize {
        self.shape.push(ARRAY);
        self.count_slot()
    }

    fn count_slot(&mut self) -> usize {
        let at = self.shape.len();
        self.shape.extend_from_slice(&[0; 4]);
        at
    }

    /// Sets the entry or item count of the object or array opened at `at`.
    pub fn close(&mut self, at: usize, len: usize) {
        // More than 2^32 entries cannot be in memory as JS values either.
        let len = u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes();
        if let Some(slot) = self.shape.get_mut(at..at + 4) {
            slot.copy_from_slice(&len);
        }
    }

    /// An entry's key.
    pub fn key(&mut self, key: &str) {
        shapes::push_key(&mut self.shape, key);
    }

    /// Where a map key is written (in [`shapes::push_key`] form).
    pub fn keys(&mut self) -> &mut Vec<u8> {
        &mut self.shape
    }
}

fn broken() -> OutError {
    OutError::Custom("a result's structure was cut short".into())
}

/// Reads the tape's structure.
struct Reader<'a> {
    shape: &'a [u8],
    pos: usize,
    leaf: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, OutError> {
        let b = *self.shape.get(self.pos).ok_or_else(broken)?;
        self.pos += 1;
        Ok(b)
    }

    fn count(&mut self) -> Result<usize, OutError> {
        let bytes = self.shape.get(self.pos..self.pos + 4).ok_or_else(broken)?;
        self.pos += 4;
        Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize)
    }

    /// A key, as its encoded bytes.
    fn key(&mut self) -> Result<&'a [u8], OutError> {
        let start = self.pos;
        let len = self.count()?;
        self.shape
            .get(self.pos..self.pos + len)
            .ok_or_else(broken)?;
        self.pos += len;
        Ok(&self.shape[start..self.pos])
    }

    fn next_leaf(&mut self) -> usize {
        self.leaf += 1;
        self.leaf - 1
    }
}

/// The JS value of the tape.
///
/// # Safety
/// Call on the JS thread of the live `env`, with a tape whose leaves come from that env.
pub unsafe fn build(
    env: sys::napi_env,
    shapes: Option<&Shapes>,
    tape: &Tape,
) -> Result<sys::napi_value, OutError> {
    if tape.shape == [LEAF] {
        return tape.leaves.first().copied().ok_or_else(broken);
    }
    if tape.shape.len() <= MAX_TREE_BYTES && tape.leaves.len() <= MAX_TREE_LEAVES {
        let made = shapes.and_then(|s| unsafe {
            shapes::tree(env, s, &tape.shape, tape.maps, || {
                source(&tape.shape, tape.leaves.len())
            })
        });
        if let Some(factory) = made {
            return unsafe { shapes::call(env, factory, &tape.leaves) };
        }
    }
    let mut reader = Reader {
        shape: &tape.shape,
        pos: 0,
        leaf: 0,
    };
    unsafe { node(env, shapes, &mut reader, &tape.leaves) }
}

/// One node of the tape, built object by object.
unsafe fn node(
    env: sys::napi_env,
    shapes: Option<&Shapes>,
    r: &mut Reader<'_>,
    leaves: &[sys::napi_value],
) -> Result<sys::napi_value, OutError> {
    match r.byte()? {
        LEAF => leaves.get(r.next_leaf()).copied().ok_or_else(broken),
        ARRAY => {
            let len = r.count()?;
            let mut items = Vec::with_capacity(len.min(leaves.len()));
            for _ in 0..len {
                items.push(unsafe { node(env, shapes, r, leaves) }?);
            }
            unsafe { shapes::array(env, shapes, &items) }
        }
        OBJECT => {
            let fixed = r.byte()? == 1;
            let len = r.count()?;
            let mut keys = Vec::new();
            let mut values = Vec::with_capacity(len.min(leaves.len()));
            for _ in 0..len {
                keys.extend_from_slice(r.key()?);
                values.push(unsafe { node(env, shapes, r, leaves) }?);
            }
            unsafe { shapes::object(env, shapes, &keys, &values, fixed) }
        }
        _ => Err(broken()),
    }
}

/// The source of the tree's factory; `None` if the tape is malformed.
fn source(shape: &[u8], leaves: usize) -> Option<String> {
    let mut src = shapes::preamble(leaves);
    let mut r = Reader {
        shape,
        pos: 0,
        leaf: 0,
    };
    expression(&mut r, &mut src).ok()?;
    src.push_str("})");
    Some(src)
}

/// Appends the JS expression of the next node.
fn expression(r: &mut Reader<'_>, src: &mut String) -> Result<(), OutError> {
    match r.byte()? {
        LEAF => {
            let _ = write!(src, "a{}", r.next_leaf());
        }
        ARRAY => {
            let len = r.count()?;
            src.push('[');
            for i in 0..len {
                if i > 0 {
                    src.push(',');
                }
                expression(r, src)?;
            }
            src.push(']');
        }
        OBJECT => {
            r.byte()?;
            let len = r.count()?;
            // Each value's expression in serde's order (the leaves are numbered so), then
            // the entries sorted by key, the last of a repeated key kept.
            let mut entries: Vec<(&[u8], String)> = Vec::with_capacity(len);
            for _ in 0..len {
                let key = r.key()?;
                let mut value = String::new();
                expression(r, &mut value)?;
                entries.push((key.get(4..).unwrap_or_default(), value));
            }
            entries.sort_by(|a, b| a.0.cmp(b.0));
            entries.dedup_by(|later, kept| {
                let same = later.0 == kept.0;
                if same {
                    std::mem::swap(&mut kept.1, &mut later.1);
                }
                same
            });
            src.push('{');
            for (n, (key, value)) in entries.iter().enumerate() {
                if n > 0 {
                    src.push(',');
                }
                let key = std::str::from_utf8(key).map_err(|_| broken())?;
                shapes::write_key(src, key);
                src.push(':');
                src.push_str(value);
            }
            src.push('}');
        }
        _ => return Err(broken()),
    }
    Ok(())
}
