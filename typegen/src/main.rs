//! Writes the bindings' declarations of the values that cross them from the core's JSON
//! Schemas (`fanline` feature `schema`), so the TypeScript and Python types cannot drift from
//! the serde forms the bindings actually produce and accept:
//!
//! - `bindings-node/types.d.ts`, between its `typegen` markers (the rest of that file, and the
//!   function signatures `napi build` adds, stay hand-written);
//! - `bindings-python/python/fanline/types.py`, whole: one `TypedDict` per object shape.
//!
//! Run `cargo run -p fanline-typegen` after changing a wire type; `--check` (stages 40 and 50)
//! fails when a checked-in file differs from what it would write.

mod model;
mod python;
mod typescript;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const TS_FILE: &str = "bindings-node/types.d.ts";
const TS_BEGIN: &str =
    "// ---- begin typegen: written by `cargo run -p fanline-typegen`, do not edit ----\n";
const TS_END: &str = "// ---- end typegen ----\n";
const PY_FILE: &str = "bindings-python/python/fanline/types.py";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `text` with the part between the markers replaced by `generated`.
fn splice(text: &str, generated: &str) -> Result<String, String> {
    let begin = text
        .find(TS_BEGIN)
        .ok_or_else(|| format!("{TS_FILE} has no begin marker"))?;
    let end = text
        .find(TS_END)
        .ok_or_else(|| format!("{TS_FILE} has no end marker"))?;
    if end < begin {
        return Err(format!("{TS_FILE}: the end marker comes first"));
    }
    Ok(format!(
        "{}{TS_BEGIN}{generated}{}",
        &text[..begin],
        &text[end..]
    ))
}

fn run(check: bool) -> Result<bool, String> {
    let defs = model::collect();
    let root = root();
    let ts_path = root.join(TS_FILE);
    let ts_old = std::fs::read_to_string(&ts_path).map_err(|e| format!("{TS_FILE}: {e}"))?;
    let ts_new = splice(&ts_old, &typescript::render(&defs)?)?;
    let py_path = root.join(PY_FILE);
    let py_old = std::fs::read_to_string(&py_path).unwrap_or_default();
    let py_new = python::render(&defs)?;
    let mut same = true;
    for (path, name, old, new) in [
        (&ts_path, TS_FILE, &ts_old, &ts_new),
        (&py_path, PY_FILE, &py_old, &py_new),
    ] {
        if old == new {
            continue;
        }
        same = false;
        if check {
            eprintln!("{name} is out of date: run `cargo run -p fanline-typegen`");
        } else {
            std::fs::write(path, new).map_err(|e| format!("{name}: {e}"))?;
            eprintln!("wrote {name}");
        }
    }
    Ok(same)
}

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    match run(check) {
        Ok(same) if same || !check => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("typegen: {e}");
            ExitCode::from(2)
        }
    }
}
