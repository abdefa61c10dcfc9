//! Property tests: build -> parse round trips, and no changed byte still verifies.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

use base64::Engine;
use fanline::agora::{
    build_rtc_token, build_token_006, parse_token, parse_token_006, verify_token, verify_token_006,
    AgoraCredentials, LegacyRole, LegacyTokenRequest, PrivilegeExpiries, RtcRole, RtcTokenRequest,
    RtcUser, RtmLogin, TokenIssue,
};
use proptest::prelude::*;

const APP_ID: &str = "970CA35de60c44645bbae8a215061b33";
const CERT: &str = "5CFd2fd1755d40ecb72977518be15d3b";
const OTHER_CERT: &str = "5CFd2fd1755d40ecb72977518be15d3c";

fn creds() -> AgoraCredentials {
    AgoraCredentials::new(APP_ID, CERT).unwrap()
}

fn user() -> impl Strategy<Value = RtcUser> {
    prop_oneof![
        any::<u32>().prop_map(RtcUser::Uid),
        Just(RtcUser::Uid(0)),
        Just(RtcUser::Uid(u32::MAX)),
        "\\PC{1,80}"
            .prop_filter("<= 255 bytes", |s| s.len() <= 255)
            .prop_map(RtcUser::Account),
    ]
}

fn expiry() -> impl Strategy<Value = Option<u32>> {
    prop_oneof![Just(None), (0u32..=86_400).prop_map(Some)]
}

prop_compose! {
    fn request()(
        channel in "[a-zA-Z0-9 !#$%&()+\\-:;<=.>?@\\[\\]^_{|}~,]{1,64}",
        uid in user(),
        publisher in any::<bool>(),
        token_expire in 1u32..=86_400,
        privilege_expire in expiry(),
        join in expiry(), audio in expiry(), video in expiry(), data in expiry(),
        rtm in proptest::option::of(("[a-z0-9_]{1,64}", expiry())),
    ) -> RtcTokenRequest {
        RtcTokenRequest {
            channel,
            uid,
            role: if publisher { RtcRole::Publisher } else { RtcRole::Subscriber },
            token_expire,
            privilege_expire,
            privilege_expiries: PrivilegeExpiries {
                join, publish_audio: audio, publish_video: video, publish_data: data,
            },
            rtm: rtm.map(|(user_id, expire)| RtmLogin { user_id, expire }),
        }
    }
}

fn zlib(content: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(content).unwrap();
    e.finish().unwrap()
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn build_then_parse_round_trips(req in request(), ts in any::<u32>(), salt in any::<u32>()) {
        let token = build_rtc_token(&creds(), &req, Some(TokenIssue::new(ts, salt))).unwrap();
        let p = parse_token(&token).unwrap();
        prop_assert_eq!(&p.app_id, APP_ID);
        prop_assert_eq!((p.issue_ts, p.expire, p.salt), (ts, req.token_expire, salt));
        prop_assert_eq!(p.unparsed_service_type, None);
        prop_assert_eq!(p.services.len(), 1 + usize::from(req.rtm.is_some()));
        prop_assert_eq!(&p.services[0].privileges, &req.privileges());
        let uid_text = req.uid.as_token_text();
        prop_assert_eq!(p.rtc(), Some((req.channel.as_str(), uid_text.as_str())));
        if let Some(rtm) = &req.rtm {
            let login = rtm.expire.unwrap_or(req.token_expire);
            prop_assert_eq!(&p.services[1].privileges, &vec![(1u16, login)]);
        }
        prop_assert!(p.verify(CERT).unwrap());
        prop_assert!(!p.verify(OTHER_CERT).unwrap());
    }

    #[test]
    fn any_changed_payload_byte_fails(
        req in request(), salt in any::<u32>(), pick in any::<usize>(), flip in 1u8..=255,
    ) {
        let token = build_rtc_token(&creds(), &req, Some(TokenIssue::new(1_700_000_000, salt)))
            .unwrap();
        let mut content = parse_token(&token).unwrap().content();
        let i = pick % content.len();
        content[i] ^= flip;
        let forged = format!("007{}", B64.encode(zlib(&content)));
        // Either the parser refuses it or the signature no longer verifies.
        prop_assert!(!verify_token(&forged, CERT).unwrap_or(false), "byte {} still verifies", i);
    }

    #[test]
    fn any_changed_token_character_fails_or_changes_nothing(
        req in request(), salt in any::<u32>(), pick in any::<usize>(), to in 0usize..64,
    ) {
        let token = build_rtc_token(&creds(), &req, Some(TokenIssue::new(1_700_000_000, salt)))
            .unwrap();
        let original = parse_token(&token).unwrap().content();
        let mut bytes = token.clone().into_bytes();
        let i = 3 + pick % (bytes.len() - 3);
        prop_assume!(bytes[i] != b'=' && bytes[i] != ALPHABET[to]);
        bytes[i] = ALPHABET[to];
        let forged = String::from_utf8(bytes).unwrap();
        // A changed character either breaks parsing or verification, or only touched bits
        // zlib ignores (the FLEVEL bits of the header, the padding after the last block):
        // then the signed payload is the original one.
        if verify_token(&forged, CERT).unwrap_or(false) {
            prop_assert_eq!(parse_token(&forged).unwrap().content(), original);
        }
    }

    #[test]
    fn legacy_round_trip_and_tamper(
        channel in "[a-zA-Z0-9_]{1,64}", uid in user(), publisher in any::<bool>(),
        expire in prop_oneof![Just(0u32), 1_000_000_000u32..], salt in any::<u32>(),
        ts in any::<u32>(), pick in any::<usize>(), to in 0usize..64,
    ) {
        let req = LegacyTokenRequest {
            channel,
            uid,
            role: if publisher { LegacyRole::Publisher } else { LegacyRole::Subscriber },
            privilege_expired_ts: expire,
        };
        let issue = fanline::agora::LegacyIssue { salt, ts };
        let token = build_token_006(&creds(), &req, Some(issue)).unwrap();
        let p = parse_token_006(&token).unwrap();
        prop_assert_eq!((p.salt, p.ts), (salt, ts));
        prop_assert_eq!(p.privileges.len(), if publisher { 4 } else { 1 });
        prop_assert!(p.privileges.iter().all(|&(_, e)| e == expire));
        prop_assert!(verify_token_006(&token, CERT, &req.channel, &req.uid).unwrap());

        let mut bytes = token.into_bytes();
        let i = 3 + pick % (bytes.len() - 3);
        prop_assume!(bytes[i] != b'=' && bytes[i] != ALPHABET[to]);
        bytes[i] = ALPHABET[to];
        let forged = String::from_utf8(bytes).unwrap();
        prop_assert!(!verify_token_006(&forged, CERT, &req.channel, &req.uid).unwrap_or(false));
    }
}
