//! Arbitrary bytes as a privacy-settings PATCH body: any input must parse or be
//! `INVALID_INPUT` with a short message, never a panic; a patch that parses serialises back to
//! itself and applies to any settings.
#![no_main]

use fanline::privacy::{PrivacySettings, SettingsPatch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match SettingsPatch::from_json(&text) {
        Ok(patch) => {
            let json = serde_json::to_string(&patch).expect("a patch serialises");
            assert_eq!(SettingsPatch::from_json(&json).expect("round trip"), patch);
            let applied = PrivacySettings::default().apply(&patch);
            assert_eq!(applied.apply(&patch), applied, "applying twice changes nothing more");
        }
        Err(e) => {
            assert_eq!(e.code(), "INVALID_INPUT");
            // The caller's text is clipped, never reflected whole.
            assert!(e.to_string().chars().count() < 300, "{e}");
        }
    }
});
