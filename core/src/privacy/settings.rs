//! Privacy settings with their defaults and partial, validated updates.

use serde::{Deserialize, Serialize};

use crate::error::{clip, Error, Result};
use crate::wire::wire_enum;

wire_enum! {
    /// Who may see the fan's mini profile.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub enum Visibility {
        /// The fan and admins only.
        #[default]
        Private = "private",
        /// Creators with any relationship to the fan.
        Creators = "creators",
        /// As `Creators`, plus anyone holding a live share link.
        Link = "link",
    }
}

wire_enum! {
    /// Which creators a permission (`allow_dm`, `allow_calls`) admits.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub enum Audience {
        /// Nobody.
        None = "none",
        /// Creators the fan follows.
        Following = "following",
        /// Creators with any relationship.
        #[default]
        Interacted = "interacted",
    }
}

impl Visibility {
    /// Parses a wire name.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "private" => Ok(Visibility::Private),
            "creators" => Ok(Visibility::Creators),
            "link" => Ok(Visibility::Link),
            _ => Err(Error::invalid(
                "visibility must be 'private', 'creators' or 'link'",
            )),
        }
    }
}

impl Audience {
    /// Parses a wire name.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "none" => Ok(Audience::None),
            "following" => Ok(Audience::Following),
            "interacted" => Ok(Audience::Interacted),
            _ => Err(Error::invalid(
                "permission must be 'none', 'following' or 'interacted'",
            )),
        }
    }
}

/// A fan's privacy settings. A fan with nothing stored has [`PrivacySettings::default`]:
/// private, DMs and calls from creators they interacted with, not searchable. Read from the
/// wire, a field left out takes its default, in every binding alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PrivacySettings {
    /// Who may see the mini profile.
    pub visibility: Visibility,
    /// Which creators may message the fan.
    pub allow_dm: Audience,
    /// Which creators may call the fan.
    pub allow_calls: Audience,
    /// Whether the fan may appear in creator-side search (`allowSearch` on the wire).
    #[serde(rename = "allowSearch")]
    pub searchable: bool,
}

/// A partial update (PATCH semantics): only the fields present change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsPatch {
    /// New visibility.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub visibility: Option<Visibility>,
    /// New DM permission.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub allow_dm: Option<Audience>,
    /// New call permission.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub allow_calls: Option<Audience>,
    /// New searchability (`allowSearch` on the wire).
    #[serde(
        default,
        rename = "allowSearch",
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub searchable: Option<bool>,
}

impl SettingsPatch {
    /// Parses a JSON body such as `{"visibility":"link","allowDm":"none"}`. Unknown fields,
    /// unknown values, duplicate fields, `null` and anything but an object are
    /// `INVALID_INPUT`.
    pub fn from_json(json: &str) -> Result<Self> {
        // serde's message names the offending field or variant; it is clipped because it
        // quotes the caller's text, which may be huge or hold control characters.
        let invalid = |e: serde_json::Error| {
            Error::invalid(format!(
                "settings: {}",
                clip(strip_position(&e.to_string()), 160)
            ))
        };
        // serde would also accept a struct written as an array; PATCH bodies are objects.
        // Deserialising the struct directly (not through a `Value` map, where the last of two
        // equal keys silently wins) rejects duplicate fields, which parsers disagree about.
        if !json
            .trim_start_matches([' ', '\t', '\n', '\r'])
            .starts_with('{')
        {
            return Err(Error::invalid("settings: expected a JSON object"));
        }
        serde_json::from_str(json).map_err(invalid)
    }

    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == SettingsPatch::default()
    }
}

impl PrivacySettings {
    /// The settings after `patch`.
    pub fn apply(self, patch: &SettingsPatch) -> PrivacySettings {
        PrivacySettings {
            visibility: patch.visibility.unwrap_or(self.visibility),
            allow_dm: patch.allow_dm.unwrap_or(self.allow_dm),
            allow_calls: patch.allow_calls.unwrap_or(self.allow_calls),
            searchable: patch.searchable.unwrap_or(self.searchable),
        }
    }

    /// Whether any field differs from the defaults (the "changed a privacy default" metric).
    pub fn differs_from_default(&self) -> bool {
        *self != PrivacySettings::default()
    }
}

/// A field that is present must hold a value: `null` is not "unchanged", it is invalid.
fn present<'de, D, T>(d: D) -> std::result::Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

fn strip_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_private() {
        let s = PrivacySettings::default();
        assert_eq!(s.visibility, Visibility::Private);
        assert_eq!(s.allow_dm, Audience::Interacted);
        assert_eq!(s.allow_calls, Audience::Interacted);
        assert!(!s.searchable);
        assert_eq!(
            serde_json::to_value(s).unwrap(),
            serde_json::json!({"visibility":"private","allowDm":"interacted","allowCalls":"interacted","allowSearch":false})
        );
    }

    #[test]
    fn settings_read_partially_take_the_defaults() {
        let s: PrivacySettings = serde_json::from_str(r#"{"visibility":"link"}"#).unwrap();
        assert_eq!(
            s,
            PrivacySettings {
                visibility: Visibility::Link,
                ..PrivacySettings::default()
            }
        );
        assert!(serde_json::from_str::<PrivacySettings>(r#"{"colour":"red"}"#).is_err());
    }

    #[test]
    fn patch_is_partial() {
        let p = SettingsPatch::from_json(r#"{"visibility":"link","allowSearch":true}"#).unwrap();
        let s = PrivacySettings::default().apply(&p);
        assert_eq!(s.visibility, Visibility::Link);
        assert!(s.searchable);
        assert_eq!(s.allow_dm, Audience::Interacted);
    }

    #[test]
    fn bad_patches_are_invalid_input() {
        for bad in [
            r#"{"visibility":"public"}"#,
            r#"{"colour":"red"}"#,
            r#"{"allowDm":null}"#,
            r#"[]"#,
            r#"{"allowSearch":"yes"}"#,
            "",
        ] {
            let e = SettingsPatch::from_json(bad).unwrap_err();
            assert_eq!(e.code(), "INVALID_INPUT", "{bad}");
        }
    }
}
