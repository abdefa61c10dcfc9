//! The quickstart: the whole fanline story on a fresh embedded store, in readable output.
//!
//! `cargo run -p fanline-examples --bin quickstart [STORE_SPEC]` (default: a fresh SQLite
//! file under the system temp dir, removed at the end; a store given by its spec is kept).
//! Time is simulated, so the run takes milliseconds.

use std::sync::Arc;

use fanline::agora::inspect_token;
use fanline::billing::{BillingPolicy, Rounding};
use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::privacy::{RelationshipKind, SettingsPatch};
use fanline::share::ShareKeyRing;
use fanline::store::{open_store, Profile};
use fanline::{Actor, Fanline, Flags, ManualClock, Result};

const APP_ID: &str = "970CA35de60c44645bbae8a215061b33";
const CERTIFICATE: &str = "5CFd2fd1755d40ecb72977518be15d3b";
/// 2026-11-25T12:00:00Z.
const START_MS: i64 = 1_795_608_000_000;

fn main() {
    let (spec, fresh) = match std::env::args().nth(1) {
        Some(spec) => (spec, None),
        None => {
            let path = fresh_file();
            (format!("sqlite:{}", path.display()), Some(path))
        }
    };
    let outcome = run(&spec);
    if let Some(path) = &fresh {
        // The database and the files SQLite keeps beside it while it is open (the engine is
        // gone with `run`).
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    if let Err(e) = outcome {
        eprintln!("quickstart failed: {} ({})", e, e.code());
        std::process::exit(1);
    }
}

fn step(title: &str) {
    println!("\n== {title}");
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("<unprintable: {e}>"))
}

/// A fresh SQLite file for this run, under the system temp dir.
fn fresh_file() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("fanline-quickstart-{}.db", std::process::id()))
}

fn run(spec: &str) -> Result<()> {
    println!("fanline quickstart: store {spec}, simulated clock");
    let store = open_store(spec)?;
    let clock = ManualClock::at_ms(START_MS);
    // The seed ships calls and share cards switched off; this tour turns every flag on.
    let engine = Fanline::builder()
        .store(store)
        .agora(APP_ID, CERTIFICATE)
        .share_keys(ShareKeyRing::new(1, b"quickstart-share-key-0123456789ab")?)
        .flags(Flags::all_on())
        .clock(Arc::new(clock.clone()))
        .billing(BillingPolicy::new(
            10,
            Rounding::PerStartedMinute,
            0,
            2_000,
        )?)
        .build()?;

    let ada = Actor::fan("fan_ada")?;
    let max = Actor::creator("creator_max")?;
    let ops = Actor::admin("ops")?;
    engine.set_profile(
        &ada,
        &Profile {
            display_name: "Ada".into(),
            avatar_url: Some("https://cdn.example.com/ada.png".into()),
        },
    )?;
    engine.set_profile(
        &max,
        &Profile {
            display_name: "Max".into(),
            avatar_url: None,
        },
    )?;

    step("Ada sets her privacy (PATCH /api/fans/me)");
    let patch = SettingsPatch::from_json(
        r#"{"visibility":"link","allowDm":"following","allowCalls":"interacted"}"#,
    )?;
    let settings = engine.update_settings(&ada, &patch)?.value;
    println!("{}", json(&settings));

    step("Before any relationship, Max cannot see Ada");
    match engine.mini_profile(&max, "fan_ada") {
        Err(e) => println!(
            "GET /api/fans/fan_ada -> {} {}: {}",
            e.http_status(),
            e.code(),
            e
        ),
        Ok(_) => println!("unexpected: visible"),
    }

    step("Ada follows Max; the mini profile now shows the permissions");
    engine.record_relationship(&ada, "creator_max", RelationshipKind::Follow)?;
    let profile = engine.mini_profile(&max, "fan_ada")?;
    println!(
        "{} — canMessage={} (rule {:?}), canCall={} (rule {:?}), relationships: {:?}",
        profile.display_name,
        profile.can_message,
        profile.message_decision.rule,
        profile.can_call,
        profile.call_decision.rule,
        profile
            .relationships
            .iter()
            .map(|r| r.kind.as_str())
            .collect::<Vec<_>>()
    );

    step("Max prices his calls at 10 tokens/min; Ada buys 100 tokens; Max calls her (video, 20% fee)");
    engine.set_call_price(&max, "creator_max", 10)?;
    println!(
        "balance: {}",
        engine.credit(&ops, "fan_ada", 100, "order-1")?.value
    );
    let mut request = InitiateRequest::new("fan_ada", CallType::Video);
    request.message = Some("Thanks for the follow!".into());
    let ringing = engine.initiate(&max, &request)?;
    for e in &ringing.events {
        println!("publish {} -> {}: {}", e.name, e.channel, e.payload);
    }
    let call_id = ringing.value.id.to_string();

    step(
        "Ada accepts 5 s later at the price she saw; the call's limit is what her balance affords",
    );
    clock.advance_secs(5);
    let seen_rate = ringing.value.rate_per_minute;
    let accepted = engine.accept(&ada, &call_id, Some(seen_rate))?.value;
    println!(
        "connected at {} tokens/min; ends on its own at {}",
        accepted.call.rate_per_minute,
        accepted.call.limit_at.as_deref().unwrap_or("-")
    );
    for (side, join) in [("fan", &accepted.fan), ("creator", &accepted.creator)] {
        let inspected = inspect_token(&join.token, Some(CERTIFICATE))?;
        println!(
            "{side}: channel {} uid {} — token {}…, issued {}, expires {}, signature valid: {:?}",
            join.channel,
            join.uid,
            &join.token[..12],
            inspected.issued_at,
            inspected.expires_at,
            inspected.signature_valid
        );
        for service in &inspected.services {
            let privileges: Vec<&str> = service.privileges.iter().filter_map(|p| p.name).collect();
            println!("   service {}: {}", service.name, privileges.join(", "));
        }
    }

    step("3 min 10 s later Max ends the call: billed 4 started minutes");
    clock.advance_secs(190);
    let ended = engine.end(&max, &call_id)?;
    println!("{}", json(&ended.value.settlement));
    let again = engine.end(&ada, &call_id)?.value.settlement;
    println!(
        "ending again returns the same settlement: {}",
        again == ended.value.settlement
    );
    println!(
        "balances: Ada {}, Max {}, platform {}; ledger sum {}",
        engine.balance(&ops, "fan_ada")?,
        engine.balance(&ops, "creator_max")?,
        engine.balance(&ops, fanline::store::PLATFORM_ACCOUNT)?,
        engine.ledger_sum(&ops)?
    );

    step("Ada shares her card: minted, resolved, revoked");
    let link = engine.enable_share(&ada)?.value;
    println!(
        "share link /u/{}… expires {}",
        &link.token[..10],
        link.expires_at
    );
    println!("resolved: {}", json(&engine.resolve_share(&link.token)?));
    engine.disable_share(&ada)?;
    match engine.resolve_share(&link.token) {
        Err(e) => println!("after revoke: {} {}", e.http_status(), e.code()),
        Ok(_) => println!("unexpected: still live"),
    }

    step("Max calls again; Ada declines; Max retries at once and hits the cooldown");
    let second = engine.initiate(&max, &InitiateRequest::new("fan_ada", CallType::Voice))?;
    engine.decline(&ada, &second.value.id.to_string())?;
    clock.advance_secs(2);
    match engine.initiate(&max, &InitiateRequest::new("fan_ada", CallType::Voice)) {
        Err(e) => println!(
            "refused: {} {} — {} (Retry-After: {:?})",
            e.http_status(),
            e.code(),
            e,
            e.retry_after()
        ),
        Ok(_) => println!("unexpected: a second call inside the cooldown"),
    }

    step("History (newest first)");
    for call in engine.history(&max, None, 10)?.items {
        println!(
            "{} {} {} at {}",
            call.id,
            call.call_type.as_str(),
            call.state.as_str(),
            call.created_at
        );
    }
    Ok(())
}
