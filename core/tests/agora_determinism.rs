//! Token strings depend only on the request, issue time and salt: never on what the same
//! thread built before (a reused deflate state once let stale window bytes steer its matches).

use fanline::agora::{
    build_rtc_token, AgoraCredentials, RtcTokenRequest, RtcUser, RtmLogin, TokenIssue,
};

const APP_ID: &str = "970CA35de60c44645bbae8a215061b33";
const CERT: &str = "5CFd2fd1755d40ecb72977518be15d3b";

/// Requests of many lengths whose channels and accounts repeat short patterns, so deflate
/// finds matches near the end of the input, where stale bytes would be read.
fn requests(n: u32) -> Vec<(RtcTokenRequest, TokenIssue)> {
    (0..n)
        .map(|i| {
            let pattern = ["ab", "abc", "call_", "xyzxy", "0"][(i % 5) as usize];
            let channel = pattern.repeat(1 + (i as usize * 7) % 12);
            let user = if i % 3 == 0 {
                RtcUser::Account(pattern.repeat(1 + (i as usize * 11) % 40))
            } else {
                RtcUser::Uid(i.wrapping_mul(2_654_435_761))
            };
            let mut req = if i % 2 == 0 {
                RtcTokenRequest::publisher(channel, user)
            } else {
                RtcTokenRequest::subscriber(channel, user)
            };
            req.token_expire = 1 + i % 86_400;
            if i % 4 == 1 {
                req.rtm = Some(RtmLogin {
                    user_id: pattern.repeat(1 + i as usize % 20),
                    expire: None,
                });
            }
            (req, TokenIssue::new(1_700_000_000 + i % 3, i % 7))
        })
        .collect()
}

#[test]
fn tokens_do_not_depend_on_what_was_built_before() {
    let creds = AgoraCredentials::new(APP_ID, CERT).unwrap();
    let reqs = requests(4_000);
    let build = |(r, issue): &(RtcTokenRequest, TokenIssue)| {
        build_rtc_token(&creds, r, Some(*issue)).unwrap()
    };
    let forward: Vec<String> = reqs.iter().map(build).collect();
    let backward: Vec<String> = reqs.iter().rev().map(build).collect();
    let mismatches = forward
        .iter()
        .zip(backward.iter().rev())
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(mismatches, 0, "same request, same issue, different token");
    // A thread that has built nothing before gives the same strings too.
    let fresh: Vec<String> = std::thread::scope(|s| {
        reqs.iter()
            .step_by(97)
            .map(|r| s.spawn(move || build(r)).join().unwrap())
            .collect()
    });
    let sampled: Vec<&String> = forward.iter().step_by(97).collect();
    assert_eq!(fresh.iter().collect::<Vec<_>>(), sampled);
}
