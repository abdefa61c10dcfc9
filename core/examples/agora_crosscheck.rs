//! Token tool for the cross-check against the official npm `agora-token` and for benchmarks.
//!
//! ```text
//! agora_crosscheck build     JSONL inputs on stdin  -> {"token"} or {"error"} per line
//! agora_crosscheck inspect   {"token","certificate"?,...} on stdin -> inspection per line
//! agora_crosscheck bench [N] builds N publisher tokens: one thread, then every core
//! ```
//!
//! Input fields (as in `agora-vectors.jsonl`): appId, appCertificate, channelName, uid | account,
//! role ("publisher" | "subscriber" | 1 | 2), tokenExpire, privilegeExpire?,
//! joinChannelPrivilegeExpire?, pubAudioPrivilegeExpire?, pubVideoPrivilegeExpire?,
//! pubDataStreamPrivilegeExpire?, rtmUserId?, rtmExpire?, issueTs, salt; for "version": "006":
//! privilegeExpiredTs, salt, ts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a cross-check tool: failing loudly is the point

use std::io::{BufRead, Write};
use std::time::Instant;

use fanline::agora::{
    build_rtc_token, build_token_006, build_tokens_batch, inspect_token, verify_token_006,
    AgoraCredentials, LegacyIssue, LegacyRole, LegacyTokenRequest, PrivilegeExpiries, RtcRole,
    RtcTokenBuilder, RtcTokenRequest, RtcUser, RtmLogin, TokenIssue,
};
use serde_json::{json, Value};

type Res<T> = std::result::Result<T, String>;

fn u32_of(v: &Value, key: &str) -> Option<u32> {
    v.get(key).and_then(Value::as_u64).map(|n| n as u32)
}

fn str_of<'a>(v: &'a Value, key: &str) -> Res<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("missing {key}"))
}

fn user(v: &Value) -> Res<RtcUser> {
    match v.get("account") {
        Some(a) => Ok(RtcUser::Account(
            a.as_str().ok_or("account is not a string")?.to_owned(),
        )),
        None => Ok(RtcUser::Uid(u32_of(v, "uid").ok_or("missing uid")?)),
    }
}

fn subscriber(v: &Value) -> bool {
    matches!(&v["role"], Value::String(s) if s == "subscriber") || v["role"].as_u64() == Some(2)
}

fn build(v: &Value) -> Res<String> {
    let creds = AgoraCredentials::new(str_of(v, "appId")?, str_of(v, "appCertificate")?)
        .map_err(|e| e.to_string())?;
    let channel = str_of(v, "channelName")?.to_owned();
    if v["version"] == "006" {
        let req = LegacyTokenRequest {
            channel,
            uid: user(v)?,
            role: if subscriber(v) {
                LegacyRole::Subscriber
            } else {
                LegacyRole::Publisher
            },
            privilege_expired_ts: u32_of(v, "privilegeExpiredTs").unwrap_or(0),
        };
        let issue = LegacyIssue {
            salt: u32_of(v, "salt").ok_or("missing salt")?,
            ts: u32_of(v, "ts").ok_or("missing ts")?,
        };
        return build_token_006(&creds, &req, Some(issue)).map_err(|e| e.to_string());
    }
    let req = RtcTokenRequest {
        channel,
        uid: user(v)?,
        role: if subscriber(v) {
            RtcRole::Subscriber
        } else {
            RtcRole::Publisher
        },
        token_expire: u32_of(v, "tokenExpire").ok_or("missing tokenExpire")?,
        privilege_expire: u32_of(v, "privilegeExpire"),
        privilege_expiries: PrivilegeExpiries {
            join: u32_of(v, "joinChannelPrivilegeExpire"),
            publish_audio: u32_of(v, "pubAudioPrivilegeExpire"),
            publish_video: u32_of(v, "pubVideoPrivilegeExpire"),
            publish_data: u32_of(v, "pubDataStreamPrivilegeExpire"),
        },
        rtm: v
            .get("rtmUserId")
            .and_then(Value::as_str)
            .map(|id| RtmLogin {
                user_id: id.to_owned(),
                expire: u32_of(v, "rtmExpire"),
            }),
    };
    let issue = TokenIssue::new(
        u32_of(v, "issueTs").ok_or("missing issueTs")?,
        u32_of(v, "salt").ok_or("missing salt")?,
    );
    build_rtc_token(&creds, &req, Some(issue)).map_err(|e| e.to_string())
}

fn inspect(v: &Value) -> Res<Value> {
    let token = str_of(v, "token")?;
    if token.starts_with("006") {
        let valid = verify_token_006(
            token,
            str_of(v, "certificate")?,
            str_of(v, "channelName")?,
            &user(v)?,
        )
        .map_err(|e| e.to_string())?;
        return Ok(json!({ "valid": valid }));
    }
    let cert = v.get("certificate").and_then(Value::as_str);
    let inspection = inspect_token(token, cert).map_err(|e| e.to_string())?;
    serde_json::to_value(inspection).map_err(|e| e.to_string())
}

fn each_line(f: impl Fn(&Value) -> Value) {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lines() {
        let line = line.expect("stdin");
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(v) => f(&v),
            Err(e) => json!({ "error": format!("bad JSON: {e}") }),
        };
        writeln!(out, "{answer}").expect("stdout");
    }
}

/// Nanoseconds this thread has run on a CPU (Linux), to tell cost from waiting on a busy host.
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn bench(n: usize) {
    let creds = AgoraCredentials::new(
        "970CA35de60c44645bbae8a215061b33",
        "5CFd2fd1755d40ecb72977518be15d3b",
    )
    .expect("credentials");
    // Publisher by uid, default 7200 s, channels like the engine's `call_<32 hex>`.
    let reqs: Vec<RtcTokenRequest> = (0..n)
        .map(|i| {
            RtcTokenRequest::publisher(
                format!(
                    "call_{:032x}",
                    (i as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15)
                ),
                RtcUser::Uid(1 + (i as u32).wrapping_mul(2_654_435_761) % 2_147_483_647),
            )
        })
        .collect();
    let builder = RtcTokenBuilder::new(&creds);
    // Warm-up (thread-local state, page faults).
    for r in reqs.iter().take(2_000) {
        std::hint::black_box(builder.build(r).expect("token"));
    }
    let cpu0 = thread_cpu_ns();
    let start = Instant::now();
    let mut bytes = 0usize;
    for r in &reqs {
        bytes += builder.build(r).expect("token").len();
    }
    let single = start.elapsed().as_secs_f64();
    let on_cpu = match (cpu0, thread_cpu_ns()) {
        (Some(a), Some(b)) if b > a => Some((b - a) as f64 / 1e9),
        _ => None,
    };
    let start = Instant::now();
    let batch = build_tokens_batch(&creds, &reqs, None);
    let parallel = start.elapsed().as_secs_f64();
    assert!(batch.iter().all(Result::is_ok));
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    println!(
        "{}",
        json!({
            "tokens": n,
            "singleThreadSecs": single,
            "singleThreadPerSec": (n as f64 / single).round(),
            "singleThreadOnCpuSecs": on_cpu,
            "singleThreadOnCpuPerSec": on_cpu.map(|c| (n as f64 / c).round()),
            "batchSecs": parallel,
            "batchPerSec": (n as f64 / parallel).round(),
            "cores": cores,
            "meanTokenChars": bytes / n.max(1),
        })
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("build") => each_line(|v| match build(v) {
            Ok(token) => json!({ "token": token }),
            Err(e) => json!({ "error": e }),
        }),
        Some("inspect") => each_line(|v| inspect(v).unwrap_or_else(|e| json!({ "error": e }))),
        Some("bench") => bench(args.get(2).and_then(|n| n.parse().ok()).unwrap_or(100_000)),
        _ => {
            eprintln!("usage: agora_crosscheck build | inspect | bench [N]");
            std::process::exit(2);
        }
    }
}
