//! The parity table (docs/parity.json) against the core: its Rust engine methods are exactly
//! the `pub fn`s of `impl Fanline`, its configuration options exactly the fields of
//! `FanlineConfig` (Node names being the wire names, Rust names their snake_case), and its
//! examples build an engine. The bindings' tests check their own columns.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use fanline::engine::config::{AgoraConfig, FanlineConfig, LimitsConfig};
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn table() -> Value {
    let text = std::fs::read_to_string(root().join("docs/parity.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn column<'a>(rows: &'a Value, name: &str) -> BTreeSet<&'a str> {
    rows.as_array()
        .unwrap()
        .iter()
        .filter_map(|row| row[name].as_str())
        .collect()
}

/// Every `.rs` file under `dir`, subdirectories included.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The names of the `pub fn`s inside `impl Fanline { ... }` blocks (rustfmt layout).
fn engine_methods() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for path in sources(&root().join("core/src/engine")) {
        let text = std::fs::read_to_string(path).unwrap();
        let mut inside = false;
        for line in text.lines() {
            if line == "impl Fanline {" {
                inside = true;
            } else if line == "}" {
                inside = false;
            } else if let Some(rest) = line.strip_prefix("    pub fn ").filter(|_| inside) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                names.insert(name);
            }
        }
    }
    names
}

#[test]
fn every_engine_method_is_in_the_table_and_nothing_else() {
    let table = table();
    let listed: BTreeSet<String> = column(&table["engine"], "rust")
        .into_iter()
        .map(String::from)
        .collect();
    let actual = engine_methods();
    assert!(actual.len() > 30, "found only {actual:?}");
    assert_eq!(
        listed, actual,
        "docs/parity.json engine rows vs impl Fanline"
    );
}

/// Records the field names a derived `Deserialize` asks for.
struct Recorder<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for Recorder<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        Err(de::Error::custom("recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

fn fields<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut fields = None;
    let _ = T::deserialize(Recorder(&mut fields));
    fields.unwrap()
}

fn snake(wire: &str) -> String {
    wire.chars()
        .flat_map(|c| {
            if c.is_ascii_uppercase() {
                vec!['_', c.to_ascii_lowercase()]
            } else {
                vec![c]
            }
        })
        .collect()
}

#[test]
fn every_config_field_is_in_the_table_and_nothing_else() {
    let table = table();
    let mut wire = BTreeSet::new();
    for &field in fields::<FanlineConfig>() {
        match field {
            "agora" => wire.extend(fields::<AgoraConfig>().iter().map(|f| format!("agora.{f}"))),
            "limits" => wire.extend(
                fields::<LimitsConfig>()
                    .iter()
                    .map(|f| format!("limits.{f}")),
            ),
            other => {
                wire.insert(other.to_string());
            }
        }
    }
    assert!(wire.len() > 12, "{wire:?}");
    let listed: BTreeSet<String> = column(&table["config"], "node")
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(
        listed, wire,
        "docs/parity.json config rows vs FanlineConfig"
    );
    for row in table["config"].as_array().unwrap() {
        if let (Some(rust), Some(node)) = (row["rust"].as_str(), row["node"].as_str()) {
            assert_eq!(rust, snake(node), "{row}");
        }
    }
}

#[test]
fn the_config_examples_build_an_engine() {
    let table = table();
    let mut config = serde_json::Map::new();
    for row in table["config"].as_array().unwrap() {
        let Some(path) = row["node"].as_str() else {
            continue;
        };
        let mut slot = &mut config;
        let mut parts: Vec<&str> = path.split('.').collect();
        let last = parts.pop().unwrap();
        for part in parts {
            slot = slot
                .entry(part)
                .or_insert_with(|| Value::Object(Default::default()))
                .as_object_mut()
                .unwrap();
        }
        slot.insert(last.to_string(), row["example"].clone());
    }
    let built = FanlineConfig::from_value(Value::Object(config))
        .and_then(|c| c.build())
        .unwrap();
    assert!(built.clock.is_some());
    assert!(!built.engine.config().ledger);
    assert_eq!(built.engine.config().max_call_secs, 1800);
}
