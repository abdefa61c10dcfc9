//! The named wire types and their JSON Schemas, in a stable order.
//!
//! Results are described as the core serializes them and requests as it deserializes them
//! (a field with a default is optional in a request, present in a result). A type that is
//! both and differs between the two gets its request form under `<Name>Input`.

use std::collections::BTreeMap;

use fanline::agora::{ParsedToken, ParsedToken006, TokenInspection};
use fanline::billing::{Bill, BillingPolicy, Charge};
use fanline::calls::{CallView, Settlement};
use fanline::engine::{
    AcceptedCall, AuditQuery, CallStatus, EndedCall, EngineConfig, FanlineConfig, Health,
    HistoryPage, HistoryQuery, InitiateRequest, JoinInfo, Metrics, MetricsQuery, MiniProfile,
    ShareCard, ShareLink,
};
use fanline::privacy::{Decision, DecisionInput, PrivacySettings, SettingsPatch};
use fanline::share::ShareClaims;
use fanline::store::{AuditRecord, Profile, RefusalCount, Relationship};
use fanline::ErrorBody;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::Value;

/// Every named type, by name: its schema with `$ref`s to other names.
pub type Defs = BTreeMap<String, Value>;

fn generator(settings: SchemaSettings) -> SchemaGenerator {
    let mut settings = settings;
    settings.meta_schema = None;
    settings.into_generator()
}

fn add<T: JsonSchema>(generator: &mut SchemaGenerator) {
    // Registers T (and every type it names) in the generator's definitions.
    let _ = generator.subschema_for::<T>();
}

/// What the core hands out.
fn results() -> Defs {
    let mut g = generator(SchemaSettings::draft2020_12().for_serialize());
    add::<PrivacySettings>(&mut g);
    add::<Decision>(&mut g);
    add::<Relationship>(&mut g);
    add::<Profile>(&mut g);
    add::<MiniProfile>(&mut g);
    add::<ShareLink>(&mut g);
    add::<ShareCard>(&mut g);
    add::<ShareClaims>(&mut g);
    add::<Bill>(&mut g);
    add::<Charge>(&mut g);
    add::<BillingPolicy>(&mut g);
    add::<CallView>(&mut g);
    add::<JoinInfo>(&mut g);
    add::<Settlement>(&mut g);
    add::<AcceptedCall>(&mut g);
    add::<EndedCall>(&mut g);
    add::<CallStatus>(&mut g);
    add::<HistoryPage>(&mut g);
    add::<RefusalCount>(&mut g);
    add::<AuditRecord>(&mut g);
    add::<Health>(&mut g);
    add::<Metrics>(&mut g);
    add::<ParsedToken>(&mut g);
    add::<ParsedToken006>(&mut g);
    add::<TokenInspection>(&mut g);
    add::<ErrorBody>(&mut g);
    add::<EngineConfig>(&mut g);
    let mut defs: Defs = g.take_definitions(true).into_iter().collect();
    defs.values_mut().for_each(omitted_not_null);
    defs
}

/// What the core accepts.
fn requests() -> Defs {
    let mut g = generator(SchemaSettings::draft2020_12().for_deserialize());
    add::<SettingsPatch>(&mut g);
    add::<DecisionInput>(&mut g);
    add::<InitiateRequest>(&mut g);
    add::<HistoryQuery>(&mut g);
    add::<AuditQuery>(&mut g);
    add::<MetricsQuery>(&mut g);
    add::<BillingPolicy>(&mut g);
    add::<FanlineConfig>(&mut g);
    g.take_definitions(true).into_iter().collect()
}

/// In a result, a property that may be missing is an `Option` serde skips when `None`: it
/// is left out, never `null`, so its schema loses the `null` alternative.
fn omitted_not_null(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let required: Vec<String> = map
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            if let Some(Value::Object(properties)) = map.get_mut("properties") {
                for (name, property) in properties.iter_mut() {
                    if !required.contains(name) {
                        drop_null(property);
                    }
                }
            }
            map.values_mut().for_each(omitted_not_null);
        }
        Value::Array(items) => items.iter_mut().for_each(omitted_not_null),
        _ => {}
    }
}

/// `schema` without its `null` alternative (`type: [T, "null"]` or `anyOf: [.., null]`).
fn drop_null(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            map.insert("type".into(), only);
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(variants)) = map.get_mut(key) {
            variants.retain(|v| v.get("type").and_then(Value::as_str) != Some("null"));
            if variants.len() == 1 {
                let only = variants.remove(0);
                map.remove(key);
                if let Value::Object(inner) = only {
                    map.extend(inner);
                }
            }
        }
    }
}

/// Rewrites every `$ref` to one of `renamed` in `schema`.
fn rename_refs(schema: &mut Value, renamed: &BTreeMap<String, String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref") {
                let name = target.trim_start_matches("#/$defs/");
                if let Some(new) = renamed.get(name) {
                    *target = format!("#/$defs/{new}");
                }
            }
            map.values_mut().for_each(|v| rename_refs(v, renamed));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renamed)),
        _ => {}
    }
}

/// A Rust doc comment as plain documentation: no code examples (they are Rust), intra-doc
/// links (`` [`x`](path) ``, `` [`x`] ``) as the code text they show, other links into the
/// Rust docs as their text.
fn plain_doc(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code {
            out.push(line);
        }
    }
    let mut text = out.join("\n").trim_end().to_string();
    while let Some(start) = text.find("[`") {
        let Some(close) = text[start..].find("`]").map(|i| start + i) else {
            break;
        };
        let code = text[start + 1..close + 1].to_string();
        let mut end = close + 2;
        if text[end..].starts_with('(') {
            if let Some(paren) = text[end..].find(')') {
                end += paren + 1;
            }
        }
        text.replace_range(start..end, &code);
    }
    // Other links into Rust docs (`[module docs](self)`): their text alone.
    while let Some(mid) = text
        .find("](")
        .filter(|&m| !text[m..].starts_with("](http"))
    {
        let (Some(open), Some(close)) = (text[..mid].rfind('['), text[mid..].find(')')) else {
            break;
        };
        let label = text[open + 1..mid].to_string();
        text.replace_range(open..mid + close + 1, &label);
    }
    text
}

/// Every description in `schema` as [`plain_doc`].
fn plain_docs(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(d)) = map.get_mut("description") {
                *d = plain_doc(d);
            }
            map.values_mut().for_each(plain_docs);
        }
        Value::Array(items) => items.iter_mut().for_each(plain_docs),
        _ => {}
    }
}

/// Results and requests in one map.
pub fn collect() -> Defs {
    let mut defs = results();
    let requests = requests();
    let renamed: BTreeMap<String, String> = requests
        .iter()
        .filter(|(name, schema)| defs.get(*name).is_some_and(|s| s != *schema))
        .map(|(name, _)| (name.clone(), format!("{name}Input")))
        .collect();
    for (name, mut schema) in requests {
        rename_refs(&mut schema, &renamed);
        let name = renamed.get(&name).cloned().unwrap_or(name);
        defs.entry(name).or_insert(schema);
    }
    defs.values_mut().for_each(plain_docs);
    defs
}
