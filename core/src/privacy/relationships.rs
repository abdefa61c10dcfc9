//! Relationship kinds between a creator and a fan, and the set of kinds present for a pair.

use serde::{Deserialize, Serialize};

use crate::error::{clip, Error, Result};
use crate::wire::wire_enum;

wire_enum! {
    /// One kind of creator-fan relationship (docs/rules.md section 3).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    pub enum RelationshipKind {
        /// The fan follows the creator; the only kind that can be removed.
        Follow = "follow",
        /// The fan tipped the creator.
        Tipped = "tipped",
        /// The fan bought something from the creator.
        Purchased = "purchased",
        /// The two exchanged messages.
        Messaged = "messaged",
        /// A call between them connected.
        Called = "called",
    }
}

impl RelationshipKind {
    /// All kinds, in storage order.
    pub const ALL: [RelationshipKind; 5] = [
        RelationshipKind::Follow,
        RelationshipKind::Tipped,
        RelationshipKind::Purchased,
        RelationshipKind::Messaged,
        RelationshipKind::Called,
    ];

    /// Parses a wire name.
    pub fn parse(s: &str) -> Result<Self> {
        RelationshipKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::invalid(format!("unknown relationship kind '{}'", clip(s, 64))))
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// The kinds present for one (creator, fan) pair, as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RelationshipSet(u8);

impl RelationshipSet {
    /// No relationship.
    pub const EMPTY: RelationshipSet = RelationshipSet(0);

    /// The set holding exactly `kinds`.
    pub fn of(kinds: &[RelationshipKind]) -> Self {
        kinds.iter().fold(Self::EMPTY, |s, k| s.with(*k))
    }

    /// This set plus `kind`.
    pub fn with(self, kind: RelationshipKind) -> Self {
        RelationshipSet(self.0 | kind.bit())
    }

    /// Whether `kind` is present.
    pub fn contains(self, kind: RelationshipKind) -> bool {
        self.0 & kind.bit() != 0
    }

    /// "following": a `follow` row exists.
    pub fn following(self) -> bool {
        self.contains(RelationshipKind::Follow)
    }

    /// "interacted": any row exists.
    pub fn interacted(self) -> bool {
        self.0 != 0
    }

    /// The kinds present, in storage order.
    pub fn kinds(self) -> impl Iterator<Item = RelationshipKind> {
        RelationshipKind::ALL
            .into_iter()
            .filter(move |k| self.contains(*k))
    }
}

/// On the wire a set is the list of its kinds (`["follow", "tipped"]`).
impl Serialize for RelationshipSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.kinds())
    }
}

impl<'de> Deserialize<'de> for RelationshipSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(Vec::<RelationshipKind>::deserialize(d)?
            .into_iter()
            .collect())
    }
}

impl FromIterator<RelationshipKind> for RelationshipSet {
    fn from_iter<I: IntoIterator<Item = RelationshipKind>>(iter: I) -> Self {
        iter.into_iter().fold(Self::EMPTY, |s, k| s.with(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_semantics() {
        let s = RelationshipSet::of(&[RelationshipKind::Tipped]);
        assert!(s.interacted());
        assert!(!s.following());
        assert!(RelationshipSet::EMPTY
            .with(RelationshipKind::Follow)
            .following());
        assert!(!RelationshipSet::EMPTY.interacted());
        assert_eq!(
            s.kinds().collect::<Vec<_>>(),
            vec![RelationshipKind::Tipped]
        );
        assert_eq!(
            RelationshipKind::parse("called").unwrap(),
            RelationshipKind::Called
        );
        assert!(RelationshipKind::parse("Called").is_err());
    }
}
