//! The embedded SQLite store under the engine: initiate, accept, end, the whole lifecycle and
//! a mini-profile read, as operations per second, with `synchronous=NORMAL` and `FULL`, on a
//! WAL file that already holds a large call history (1,000,000 calls by default; set
//! `FANLINE_BENCH_CALLS` to change it).
//!
//! Run: `cargo bench -p fanline-benches --bench store`.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::privacy::{RelationshipKind, SettingsPatch};
use fanline::share::ShareKeyRing;
use fanline::store::{SqliteOptions, SqliteStore, Synchronous};
use fanline::{Actor, Fanline, Flags, ManualClock};
use fanline_benches::history::{self, prefill, START_MS};

/// The fan whose mini profile is read; the history gives it thousands of calls.
const HEAVY_FAN: &str = "pf-7";
const HEAVY_CREATOR: &str = "pc-7";

fn engine(path: &Path, synchronous: Synchronous, clock: &ManualClock) -> Fanline {
    let options = SqliteOptions {
        synchronous,
        ..SqliteOptions::default()
    };
    Fanline::builder()
        .store(Arc::new(SqliteStore::open_with(path, options).unwrap()))
        .agora(
            "970CA35de60c44645bbae8a215061b33",
            "5CFd2fd1755d40ecb72977518be15d3b",
        )
        .share_keys(ShareKeyRing::new(1, &[7u8; 32]).unwrap())
        .flags(Flags::all_on())
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap()
}

/// Fresh (creator, fan) pairs, the fan following and funded: no cooldown, rate limit or
/// active call stands in the way.
struct Pairs {
    next: AtomicU64,
}

impl Pairs {
    fn make(&self, f: &Fanline, n: u64) -> Vec<(Actor, Actor)> {
        let admin = Actor::admin("ops").unwrap();
        (0..n)
            .map(|_| {
                let i = self.next.fetch_add(1, Ordering::Relaxed);
                let (creator, fan) = (format!("bc-{i}"), format!("bf-{i}"));
                let fan_actor = Actor::fan(fan.as_str()).unwrap();
                f.record_relationship(&fan_actor, &creator, RelationshipKind::Follow)
                    .unwrap();
                f.credit(&admin, &fan, 10_000, &format!("bench-{i}"))
                    .unwrap();
                (Actor::creator(creator).unwrap(), fan_actor)
            })
            .collect()
    }
}

fn initiate(f: &Fanline, creator: &Actor, fan: &Actor) -> String {
    let req = InitiateRequest::new(fan.id.as_str(), CallType::Video);
    f.initiate(creator, &req).unwrap().value.id.to_string()
}

fn bench_mode(c: &mut Criterion, template: &Path, synchronous: Synchronous, label: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    std::fs::copy(template, &path).unwrap();
    let clock = ManualClock::at_ms(START_MS);
    let f = engine(&path, synchronous, &clock);
    let pairs = Pairs {
        next: AtomicU64::new(0),
    };

    let mut g = c.benchmark_group(format!("sqlite_{label}"));
    g.throughput(Throughput::Elements(1));
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(5));

    g.bench_function("initiate", |b| {
        b.iter_custom(|n| {
            let batch = pairs.make(&f, n);
            let t = Instant::now();
            for (creator, fan) in &batch {
                initiate(&f, creator, fan);
            }
            t.elapsed()
        })
    });
    g.bench_function("accept", |b| {
        b.iter_custom(|n| {
            let calls: Vec<_> = pairs
                .make(&f, n)
                .into_iter()
                .map(|(creator, fan)| (initiate(&f, &creator, &fan), fan))
                .collect();
            let t = Instant::now();
            for (call, fan) in &calls {
                f.accept(fan, call, None).unwrap();
            }
            t.elapsed()
        })
    });
    g.bench_function("end", |b| {
        b.iter_custom(|n| {
            let calls: Vec<_> = pairs
                .make(&f, n)
                .into_iter()
                .map(|(creator, fan)| {
                    let call = initiate(&f, &creator, &fan);
                    f.accept(&fan, &call, None).unwrap();
                    (call, creator)
                })
                .collect();
            // Every call lasts a billable minute, so each end writes ledger entries.
            clock.advance_secs(61);
            let t = Instant::now();
            for (call, creator) in &calls {
                f.end(creator, call).unwrap();
            }
            t.elapsed()
        })
    });
    g.bench_function("lifecycle", |b| {
        b.iter_custom(|n| {
            let batch = pairs.make(&f, n);
            let t = Instant::now();
            for (creator, fan) in &batch {
                let call = initiate(&f, creator, fan);
                f.accept(fan, &call, None).unwrap();
                f.end(creator, &call).unwrap();
            }
            t.elapsed()
        })
    });

    let fan = Actor::fan(HEAVY_FAN).unwrap();
    f.update_settings(
        &fan,
        &SettingsPatch::from_json(r#"{"visibility":"creators"}"#).unwrap(),
    )
    .unwrap();
    f.record_relationship(&fan, HEAVY_CREATOR, RelationshipKind::Follow)
        .unwrap();
    let viewer = Actor::creator(HEAVY_CREATOR).unwrap();
    assert!(f.mini_profile(&viewer, HEAVY_FAN).unwrap().can_call);
    g.bench_function("mini_profile", |b| {
        b.iter(|| f.mini_profile(&viewer, HEAVY_FAN).unwrap())
    });
    g.finish();
}

fn store(c: &mut Criterion) {
    let calls = history::calls_from_env();
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("template.db");
    let t = Instant::now();
    prefill(&template, calls);
    eprintln!("prefilled {calls} calls in {:.1?}", t.elapsed());
    bench_mode(c, &template, Synchronous::Normal, "normal");
    bench_mode(c, &template, Synchronous::Full, "full");
}

criterion_group!(benches, store);
criterion_main!(benches);
