//! Enums whose wire names are written once: [`wire_enum!`] gives each variant its serde name
//! and generates `as_str` from the same literal, so the two cannot drift apart.

/// Declares a unit-only enum with a wire name per variant (`Variant = "wire",`): each becomes
/// the variant's `#[serde(rename)]` and its `as_str()`. The enum's own attributes (derives
/// including serde's, docs, `cfg_attr`s) pass through unchanged.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $wire)] $variant, )+
        }

        impl $name {
            /// The wire name: the serde name of the variant.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $wire, )+
                }
            }
        }
    };
}

pub(crate) use wire_enum;

#[cfg(test)]
mod tests {
    use crate::billing::Rounding;
    use crate::calls::{CallState, CallType};
    use crate::flags::Feature;
    use crate::privacy::{Action, Audience, RelationshipKind, Visibility};
    use crate::Role;

    fn same<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
        value: T,
        name: &str,
    ) {
        assert_eq!(serde_json::to_value(&value).unwrap(), name);
        assert_eq!(serde_json::from_value::<T>(name.into()).unwrap(), value);
    }

    #[test]
    fn serde_names_are_the_as_str_names() {
        CallState::ALL.into_iter().for_each(|v| same(v, v.as_str()));
        Rounding::ALL.into_iter().for_each(|v| same(v, v.as_str()));
        Action::ALL.into_iter().for_each(|v| same(v, v.as_str()));
        RelationshipKind::ALL
            .into_iter()
            .for_each(|v| same(v, v.as_str()));
        Feature::ALL.into_iter().for_each(|v| same(v, v.as_str()));
        for v in [CallType::Voice, CallType::Video] {
            same(v, v.as_str());
        }
        for v in [Role::Fan, Role::Creator, Role::Admin] {
            same(v, v.as_str());
        }
        for v in [Visibility::Private, Visibility::Creators, Visibility::Link] {
            same(v, v.as_str());
        }
        for v in [Audience::None, Audience::Following, Audience::Interacted] {
            same(v, v.as_str());
        }
        assert_eq!(Feature::FanShareCard.as_str(), "fan_share_card");
        assert_eq!(Rounding::PerStartedMinute.as_str(), "per_started_minute");
    }
}
