//! Criterion benches of the pure core's hot paths, against the targets of issue 2:
//! a privacy decision <= 100 ns, a uid <= 200 ns, share-link mint and verify <= 1.5 us each,
//! a billing computation <= 50 ns.
//!
//! Run: `cargo bench -p fanline-benches --bench core`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fanline::agora::{agora_uid, call_uids};
use fanline::billing::{BillingPolicy, Rounding};
use fanline::privacy::{
    decide, decide_many, Action, Audience, BlockState, DecisionInput, PrivacySettings,
    RelationshipKind, RelationshipSet, Visibility,
};
use fanline::share::ShareKeyRing;
use fanline::{Role, UserId};

/// A creator asking to call a fan who follows and tipped them, with customised settings: the
/// path that evaluates every rule down to the fan's call setting and the busy check.
fn realistic_input() -> DecisionInput {
    DecisionInput {
        action: Action::Call,
        feature_on: true,
        actor_role: Role::Creator,
        actor_is_fan: false,
        settings: PrivacySettings {
            visibility: Visibility::Creators,
            allow_dm: Audience::Interacted,
            allow_calls: Audience::Following,
            searchable: false,
        },
        relationships: RelationshipSet::of(&[RelationshipKind::Follow, RelationshipKind::Tipped]),
        blocks: BlockState::default(),
        fan_in_connected_call: false,
        share_link_valid: false,
    }
}

/// 1,000 varied inputs: every action, settings, relationship subsets and the odd block, as a
/// creator dashboard rendering a page of fans would ask.
fn batch_inputs() -> Vec<DecisionInput> {
    let actions = [
        Action::ViewProfile,
        Action::Message,
        Action::Call,
        Action::ViewShareCard,
        Action::AppearInSearch,
    ];
    let visibilities = [Visibility::Private, Visibility::Creators, Visibility::Link];
    let audiences = [Audience::None, Audience::Following, Audience::Interacted];
    (0..1_000u32)
        .map(|i| {
            let i = i as usize;
            let relationships = RelationshipKind::ALL
                .into_iter()
                .enumerate()
                .filter(|(k, _)| (i / 3) & (1 << k) != 0)
                .map(|(_, kind)| kind)
                .collect();
            DecisionInput {
                action: actions[i % 5],
                settings: PrivacySettings {
                    visibility: visibilities[i % 3],
                    allow_dm: audiences[(i / 5) % 3],
                    allow_calls: audiences[(i / 7) % 3],
                    searchable: i % 2 == 0,
                },
                relationships,
                blocks: BlockState {
                    by_fan: i % 97 == 0,
                    by_creator: i % 89 == 0,
                },
                fan_in_connected_call: i % 11 == 0,
                share_link_valid: i % 4 == 0,
                ..DecisionInput::creator(Action::Call)
            }
        })
        .collect()
}

fn privacy(c: &mut Criterion) {
    let input = realistic_input();
    c.bench_function("privacy/decide", |b| b.iter(|| decide(black_box(&input))));

    let inputs = batch_inputs();
    let mut group = c.benchmark_group("privacy");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("decide_many_1000", |b| {
        b.iter(|| decide_many(black_box(&inputs)))
    });
    group.finish();
}

fn uid(c: &mut Criterion) {
    let id = "supabase:8f14e45f-ceea-467f-a8f0-cbd1ad7c4e6b";
    c.bench_function("agora/uid", |b| b.iter(|| agora_uid(black_box(id))));
    c.bench_function("agora/call_uids", |b| {
        b.iter(|| call_uids(black_box("creator_001"), black_box(id)))
    });
}

fn share(c: &mut Criterion) {
    let ring = ShareKeyRing::new(1, &[0x5a; 32]).unwrap();
    let fan = UserId::new("supabase:8f14e45f-ceea-467f-a8f0-cbd1ad7c4e6b").unwrap();
    let expires_at = 1_900_000_000;
    c.bench_function("share/mint", |b| {
        b.iter(|| ring.mint(black_box(&fan), black_box(3), black_box(expires_at)))
    });
    let token = ring.mint(&fan, 3, expires_at);
    c.bench_function("share/verify", |b| {
        b.iter(|| ring.verify(black_box(&token), black_box(1_800_000_000)))
    });
    // A forged token: the cost of rejecting a probe.
    let mut forged = token.clone().into_bytes();
    forged[20] = if forged[20] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    c.bench_function("share/verify_forged", |b| {
        b.iter(|| ring.verify(black_box(&forged), black_box(1_800_000_000)))
    });
}

fn billing(c: &mut Criterion) {
    let policy = BillingPolicy::new(10, Rounding::PerStartedMinute, 1, 2_000).unwrap();
    c.bench_function("billing/charge", |b| {
        b.iter(|| policy.charge(black_box(190), black_box(10), black_box(1_000)))
    });
    let per_second = BillingPolicy::new(10, Rounding::PerSecond, 1, 2_000).unwrap();
    c.bench_function("billing/charge_per_second", |b| {
        b.iter(|| per_second.charge(black_box(190), black_box(10), black_box(1_000)))
    });
    c.bench_function("billing/max_affordable_seconds", |b| {
        b.iter(|| policy.max_affordable_seconds(black_box(1_000), black_box(10)))
    });
}

criterion_group!(benches, privacy, uid, share, billing);
criterion_main!(benches);
