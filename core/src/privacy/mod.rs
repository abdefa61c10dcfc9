//! Fan privacy: settings, relationships, blocks and the decision function (docs/rules.md sections 2-4).

mod decision;
mod relationships;
mod settings;

pub use decision::{decide, decide_many, Action, BlockState, Decision, DecisionInput, Deny, Rule};
pub use relationships::{RelationshipKind, RelationshipSet};
pub use settings::{Audience, PrivacySettings, SettingsPatch, Visibility};
