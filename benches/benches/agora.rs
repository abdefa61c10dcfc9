//! Agora token costs: a publisher token by uid, parse + verify, inspect, a batch on every core,
//! and the pieces of one token (deflate, the HMAC chain, base64) measured alone.
//!
//! `cargo bench -p fanline-benches --bench agora`

use std::hint::black_box;

use base64::Engine;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use fanline::agora::{
    build_rtc_token, build_tokens_batch, inspect_token, parse_token, AgoraCredentials,
    RtcTokenBuilder, RtcTokenRequest, RtcUser, TokenIssue,
};
use flate2::{Compress, Compression, FlushCompress};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const APP_ID: &str = "970CA35de60c44645bbae8a215061b33";
const CERT: &str = "5CFd2fd1755d40ecb72977518be15d3b";

fn creds() -> AgoraCredentials {
    AgoraCredentials::new(APP_ID, CERT).unwrap()
}

/// The engine's shape of request: `call_<32 hex>`, a u32 uid, publisher, 7200 s.
fn request(i: u32) -> RtcTokenRequest {
    RtcTokenRequest::publisher(
        format!(
            "call_{:032x}",
            u128::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ),
        RtcUser::Uid(1 + i.wrapping_mul(2_654_435_761) % 2_147_483_647),
    )
}

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().into()
}

fn tokens(c: &mut Criterion) {
    let creds = creds();
    let req = request(7);
    let builder = RtcTokenBuilder::new(&creds);

    let mut g = c.benchmark_group("agora");
    g.throughput(Throughput::Elements(1));
    g.bench_function("publisher_token_by_uid", |b| {
        b.iter(|| builder.build(black_box(&req)).unwrap())
    });
    g.bench_function("publisher_token_by_uid_pinned", |b| {
        let issue = TokenIssue::new(1_700_000_000, 12_345_678);
        b.iter(|| build_rtc_token(&creds, black_box(&req), Some(issue)).unwrap())
    });
    let token = builder.build(&req).unwrap();
    g.bench_function("parse_and_verify", |b| {
        b.iter(|| {
            parse_token(black_box(&token))
                .unwrap()
                .verify(CERT)
                .unwrap()
        })
    });
    g.bench_function("inspect", |b| {
        b.iter(|| inspect_token(black_box(&token), Some(CERT)).unwrap())
    });

    // The pieces, on this token's real payload.
    let parsed = parse_token(&token).unwrap();
    let content = parsed.content();
    let signing_info = parsed.signing_info().to_vec();
    let mut z = Compress::new(Compression::new(6), true);
    let mut out = Vec::with_capacity(1024);
    g.bench_function("piece_deflate_level6_reused", |b| {
        b.iter(|| {
            z.reset();
            out.clear();
            z.compress_vec(black_box(&content), &mut out, FlushCompress::Finish)
                .unwrap();
            out.len()
        })
    });
    g.bench_function("piece_deflate_level6_fresh", |b| {
        b.iter(|| {
            let mut z = Compress::new(Compression::new(6), true);
            let mut out = Vec::with_capacity(1024);
            z.compress_vec(black_box(&content), &mut out, FlushCompress::Finish)
                .unwrap();
            out.len()
        })
    });
    let ts = parsed.issue_ts.to_le_bytes();
    let salt = parsed.salt.to_le_bytes();
    g.bench_function("piece_hmac_chain_3", |b| {
        b.iter(|| {
            let k1 = hmac(&ts, CERT.as_bytes());
            let k2 = hmac(&salt, &k1);
            hmac(&k2, black_box(&signing_info))
        })
    });
    let k1 = hmac(&ts, CERT.as_bytes());
    g.bench_function("piece_hmac_chain_cached_k1", |b| {
        b.iter(|| hmac(&hmac(&salt, black_box(&k1)), black_box(&signing_info)))
    });
    z.reset();
    out.clear();
    z.compress_vec(&content, &mut out, FlushCompress::Finish)
        .unwrap();
    let compressed = out.clone();
    g.bench_function("piece_base64", |b| {
        let mut s = String::with_capacity(512);
        b.iter(|| {
            s.clear();
            base64::engine::general_purpose::STANDARD.encode_string(black_box(&compressed), &mut s);
            s.len()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("agora_batch");
    let reqs: Vec<_> = (0..10_000).map(request).collect();
    g.throughput(Throughput::Elements(reqs.len() as u64));
    g.sample_size(10);
    g.bench_function("batch_10000_all_cores", |b| {
        b.iter_batched(
            || (),
            |()| build_tokens_batch(&creds, black_box(&reqs), None),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, tokens);
criterion_main!(benches);
