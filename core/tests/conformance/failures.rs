//! A store that fails: the engine reports `STORE_UNAVAILABLE` without its detail, and a
//! failed write leaves nothing behind.

use std::sync::Arc;

use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::store::{Store, Tx};
use fanline::{Error, Result};

use super::{creator, fan, Harness};

const DETAIL: &str = "disk I/O error on /var/lib/secret/fanline.db: SELECT * FROM calls";

/// Delegates reads; every write runs the closure on the real store, then fails the commit
/// by making the closure's result an error (so the real store rolls it back).
#[derive(Debug)]
struct FailingWrites(Arc<dyn Store>);

impl Store for FailingWrites {
    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.0.read(f)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.0.write(&mut |tx| {
            f(tx)?;
            Err(Error::store(DETAIL))
        })
    }

    fn dump(&self) -> Result<String> {
        self.0.dump()
    }
}

pub fn store_failures_surface_without_detail(h: Harness) {
    h.callable("c1", "f1");
    let (connected, _) = h.connect("c2", "f2");
    let failing = h
        .builder()
        .store(Arc::new(FailingWrites(h.store.clone())))
        .build()
        .unwrap();
    let before = h.dump();
    let results: Vec<Result<()>> = vec![
        failing
            .initiate(&creator("c1"), &InitiateRequest::new("f1", CallType::Voice))
            .map(drop),
        failing.end(&fan("f2"), &connected).map(drop),
        failing.credit(&super::admin(), "f1", 5, "r").map(drop),
        failing.block(&fan("f1"), "c1").map(drop),
        failing.expire_due().map(drop),
    ];
    for r in results {
        let e = r.unwrap_err();
        assert_eq!(e.code(), "STORE_UNAVAILABLE");
        assert_eq!(e.http_status(), 503);
        assert_eq!(e.retry_after(), Some(1));
        for text in [e.to_string(), serde_json::to_string(&e).unwrap()] {
            assert!(
                !text.contains("/var/lib") && !text.contains("SELECT"),
                "{text}"
            );
        }
    }
    assert_eq!(h.dump(), before, "a failed write left something behind");
    // Reads still work through it.
    assert!(failing.status(&fan("f2"), &connected).is_ok());
}
