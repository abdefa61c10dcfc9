//! JSON Schemas for the wire types whose serde forms are written by hand (feature `schema`).
//! The derived ones follow the serde attributes; these four say what their `Serialize` impls
//! write, so the bindings' generated declarations (typegen/) match the values they receive.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::ids::{CallId, UserId, MAX_USER_ID_BYTES};
use crate::privacy::{RelationshipKind, RelationshipSet};
use crate::ErrorCode;

impl JsonSchema for UserId {
    fn schema_name() -> Cow<'static, str> {
        "UserId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A host's user id: 1 to 128 bytes of UTF-8, no control characters, no surrounding whitespace.",
            "minLength": 1,
            "maxLength": MAX_USER_ID_BYTES,
        })
    }
}

impl JsonSchema for CallId {
    fn schema_name() -> Cow<'static, str> {
        "CallId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A call id: a hyphenated version 4 (or 7) UUID.",
            "format": "uuid",
        })
    }
}

impl JsonSchema for RelationshipSet {
    fn schema_name() -> Cow<'static, str> {
        "RelationshipSet".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "array",
            "items": generator.subschema_for::<RelationshipKind>(),
            "uniqueItems": true,
        })
    }
}

impl JsonSchema for ErrorCode {
    fn schema_name() -> Cow<'static, str> {
        "ErrorCode".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        json_schema!({
            "type": "string",
            "description": "Every stable error code.",
            "enum": codes,
        })
    }
}
