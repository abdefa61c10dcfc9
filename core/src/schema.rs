//! JSON Schemas for the wire types whose serde forms are written by hand (feature `schema`).
//! The derived ones follow the serde attributes; these say what their hand-written serde impls
//! write or read, so the bindings' generated declarations (typegen/) match the values they receive.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::engine::config::{ClockConfig, FlagsConfig, Secret};
use crate::flags::Feature;
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

impl JsonSchema for Secret {
    fn schema_name() -> Cow<'static, str> {
        "Secret".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Secret bytes: text (its UTF-8 bytes) or bytes.",
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "integer", "minimum": 0, "maximum": 255 } },
            ],
            // How the bindings take bytes: a Buffer or Uint8Array, `bytes` or `bytearray`.
            "x-typescript": "string | Uint8Array",
            "x-python": "Union[str, bytes, bytearray]",
        })
    }
}

impl JsonSchema for FlagsConfig {
    fn schema_name() -> Cow<'static, str> {
        "FlagsConfig".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let flags: serde_json::Map<String, serde_json::Value> = Feature::ALL
            .iter()
            .map(|f| {
                (
                    f.as_str().to_string(),
                    serde_json::json!({ "type": "boolean" }),
                )
            })
            .collect();
        json_schema!({
            "description": "`'env'` reads the FEATURE_* variables; a map sets flags by name over the seed defaults.",
            "anyOf": [
                { "const": "env" },
                { "type": "object", "properties": flags, "additionalProperties": false },
            ],
        })
    }
}

impl JsonSchema for ClockConfig {
    fn schema_name() -> Cow<'static, str> {
        "ClockConfig".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "`'system'` (the real time) or a simulated clock stopped at `manualStartMs` (unix ms).",
            "anyOf": [
                { "const": "system" },
                {
                    "type": "object",
                    "properties": { "manualStartMs": { "type": "integer" } },
                    "required": ["manualStartMs"],
                    "additionalProperties": false,
                },
            ],
        })
    }
}
