//! Arbitrary bytes into the Agora token parsers, inspector and verifiers: any input must give
//! `Ok` or `INVALID_INPUT`, never a panic, a hang or a huge allocation.
#![no_main]

use std::io::Write;

use base64::Engine;
use fanline::agora::{
    inspect_token, parse_token, parse_token_006, verify_token, verify_token_006, RtcUser,
};
use libfuzzer_sys::fuzz_target;

const APP_ID: &str = "970CA35de60c44645bbae8a215061b33";
const CERT: &str = "5CFd2fd1755d40ecb72977518be15d3b";

fn check(token: &str) {
    match parse_token(token) {
        Ok(p) => {
            // A token that parses must inspect and verify without error.
            let i = inspect_token(token, Some(CERT)).expect("parsed but not inspectable");
            assert_eq!(i.signature_valid, Some(p.verify(CERT).unwrap()));
            assert_eq!(i.app_id, p.app_id);
        }
        Err(e) => assert_eq!(e.code(), "INVALID_INPUT"),
    }
    if let Err(e) = verify_token(token, CERT) {
        assert_eq!(e.code(), "INVALID_INPUT");
    }
    let _ = parse_token_006(token);
    if let Err(e) = verify_token_006(token, CERT, "stage", &RtcUser::Uid(42)) {
        assert_eq!(e.code(), "INVALID_INPUT");
    }
}

fuzz_target!(|data: &[u8]| {
    let b64 = base64::engine::general_purpose::STANDARD;
    // The raw text, as a client would send it.
    check(&String::from_utf8_lossy(data));
    // The bytes as the compressed payload (exercises inflation and its cap).
    check(&format!("007{}", b64.encode(data)));
    // The bytes as the inflated payload (exercises the reader and the service layouts).
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    z.write_all(data).unwrap();
    check(&format!("007{}", b64.encode(z.finish().unwrap())));
    // The bytes as a 006 content.
    check(&format!("006{APP_ID}{}", b64.encode(data)));
});
