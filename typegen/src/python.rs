//! `types.py`: a `TypedDict` per object shape (nested and variant shapes get names of their
//! own), `Literal` aliases for string enums, written in an order where every name is defined
//! before an alias uses it. Python 3.9 syntax (`Optional`, `Union`, `List`), and optional
//! keys through a `total=False` subclass of the required ones.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::model::Defs;
use crate::typescript::{merged, ref_name};

const HEADER: &str = r#""""Shapes of the dicts the fanline binding returns and accepts.

Written by ``cargo run -p fanline-typegen`` from the Rust core's types: do not edit.
"""

from typing import Dict, List, Literal, Optional, Tuple, TypedDict, Union

"#;

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

struct Renderer<'a> {
    defs: &'a Defs,
    /// Names already written.
    written: BTreeSet<String>,
    /// Names being written (a cycle would need string annotations).
    open: BTreeSet<String>,
    out: String,
}

fn camel(text: &str) -> String {
    text.split(['_', ':', '-', ' '])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn docstring(schema: &Value, indent: &str) -> String {
    match schema.get("description").and_then(Value::as_str) {
        Some(text) => {
            let text = text.replace('\\', "\\\\").replace("\"\"\"", "'''");
            let mut lines = text.lines();
            let first = lines.next().unwrap_or_default();
            let rest: String = lines
                .map(|l| format!("\n{indent}{l}").trim_end().to_string())
                .collect();
            if rest.is_empty() {
                format!("{indent}\"\"\"{first}\"\"\"\n")
            } else {
                format!("{indent}\"\"\"{first}{rest}\n{indent}\"\"\"\n")
            }
        }
        None => String::new(),
    }
}

fn comment(schema: &Value, indent: &str) -> String {
    schema
        .get("description")
        .and_then(Value::as_str)
        .map(|text| {
            text.lines()
                .map(|l| format!("{indent}#: {l}").trim_end().to_string() + "\n")
                .collect()
        })
        .unwrap_or_default()
}

fn literal(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(format!(
            "'{}'",
            s.replace('\\', "\\\\").replace('\'', "\\'")
        )),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(true) => Ok("True".into()),
        Value::Bool(false) => Ok("False".into()),
        Value::Null => Ok("None".into()),
        other => Err(format!("unsupported literal {other}")),
    }
}

/// `Optional[...]` / `Union[...]` of the parts; literals merge into one `Literal[...]`.
fn union(parts: Vec<String>) -> String {
    let mut literals = Vec::new();
    let mut others: Vec<String> = Vec::new();
    let mut nullable = false;
    for part in parts {
        if part == "None" {
            nullable = true;
        } else if let Some(inner) = part
            .strip_prefix("Literal[")
            .and_then(|p| p.strip_suffix(']'))
        {
            literals.extend(inner.split(", ").map(str::to_string));
        } else if !others.contains(&part) {
            others.push(part);
        }
    }
    if !literals.is_empty() {
        others.insert(0, format!("Literal[{}]", literals.join(", ")));
    }
    let body = match others.len() {
        0 => "None".to_string(),
        1 => others.remove(0),
        _ => format!("Union[{}]", others.join(", ")),
    };
    if nullable && body != "None" {
        format!("Optional[{body}]")
    } else {
        body
    }
}

impl Renderer<'_> {
    /// Writes the named definition `name` (and what it uses) unless it is written.
    fn define(&mut self, name: &str) -> Result<(), String> {
        if self.written.contains(name) || self.open.contains(name) {
            return Ok(());
        }
        let schema = self
            .defs
            .get(name)
            .ok_or_else(|| format!("no definition named {name}"))?;
        self.open.insert(name.to_string());
        self.declare(name, schema)?;
        self.open.remove(name);
        self.written.insert(name.to_string());
        Ok(())
    }

    /// Writes `name` as a class (object shapes) or an alias.
    fn declare(&mut self, name: &str, schema: &Value) -> Result<(), String> {
        let is_class = schema.get("properties").is_some()
            && schema.get("oneOf").is_none()
            && schema.get("anyOf").is_none();
        if is_class {
            let map = schema.as_object().ok_or("a definition is not an object")?;
            self.class(name, schema, map)
        } else {
            let ty = self.ty(schema, name)?;
            self.out += &format!("\n{}{name} = {ty}\n", comment(schema, ""));
            Ok(())
        }
    }

    fn class(
        &mut self,
        name: &str,
        schema: &Value,
        map: &Map<String, Value>,
    ) -> Result<(), String> {
        let properties = match map.get("properties") {
            Some(Value::Object(p)) => p,
            _ => return Err(format!("{name} has no properties")),
        };
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut fields = Vec::new();
        for (field, field_schema) in properties {
            if KEYWORDS.contains(&field.as_str()) {
                return Err(format!("{name}.{field} is a Python keyword"));
            }
            let ty = self.ty(field_schema, &format!("{name}{}", camel(field)))?;
            let line = format!("{}    {field}: {ty}\n", comment(field_schema, "    "));
            fields.push((required.contains(&field.as_str()), line));
        }
        let body = |wanted: bool| -> String {
            fields
                .iter()
                .filter(|(req, _)| *req == wanted)
                .map(|(_, line)| line.as_str())
                .collect()
        };
        let (needed, optional) = (body(true), body(false));
        let doc = docstring(schema, "    ");
        self.out += "\n";
        match (needed.is_empty(), optional.is_empty()) {
            (_, true) => {
                let body = if needed.is_empty() && doc.is_empty() {
                    "    pass\n".into()
                } else {
                    needed
                };
                self.out += &format!("class {name}(TypedDict):\n{doc}{body}");
            }
            (true, false) => {
                self.out += &format!("class {name}(TypedDict, total=False):\n{doc}{optional}");
            }
            (false, false) => {
                self.out += &format!("class _{name}Required(TypedDict):\n{needed}\n");
                self.out +=
                    &format!("class {name}(_{name}Required, total=False):\n{doc}{optional}");
            }
        }
        Ok(())
    }

    /// The annotation for `schema`; an inline object becomes a class named `hint`.
    fn ty(&mut self, schema: &Value, hint: &str) -> Result<String, String> {
        let map = match schema {
            Value::Bool(true) => return Ok("object".into()),
            Value::Object(map) => map,
            other => return Err(format!("unsupported schema {other}")),
        };
        if let Some(Value::String(target)) = map.get("$ref") {
            let name = ref_name(target);
            self.define(name)?;
            return Ok(name.to_string());
        }
        // A type the schema cannot say in Python terms (bytes).
        if let Some(Value::String(py)) = map.get("x-python") {
            return Ok(py.clone());
        }
        if let Some(value) = map.get("const") {
            return Ok(format!("Literal[{}]", literal(value)?));
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            let parts: Vec<String> = values.iter().map(literal).collect::<Result<_, _>>()?;
            return Ok(format!("Literal[{}]", parts.join(", ")));
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(variants)) = map.get(key) {
                let mut parts = Vec::new();
                for (i, variant) in variants.iter().enumerate() {
                    let variant = merged(map, variant, key);
                    let hint = format!("{hint}{}", variant_name(&variant).unwrap_or(i.to_string()));
                    parts.push(self.ty(&variant, &hint)?);
                }
                return Ok(union(parts));
            }
        }
        let types: Vec<&str> = match map.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => return Ok("object".into()),
        };
        let mut parts = Vec::new();
        for t in types {
            parts.push(match t {
                "string" => "str".to_string(),
                "integer" => "int".to_string(),
                "number" => "float".to_string(),
                "boolean" => "bool".to_string(),
                "null" => "None".to_string(),
                "array" => self.array(map, hint)?,
                "object" => self.object(map, hint)?,
                other => return Err(format!("unsupported type {other}")),
            });
        }
        Ok(union(parts))
    }

    fn array(&mut self, map: &Map<String, Value>, hint: &str) -> Result<String, String> {
        if let Some(Value::Array(items)) = map.get("prefixItems") {
            let mut parts = Vec::new();
            for item in items {
                parts.push(self.ty(item, hint)?);
            }
            return Ok(format!("Tuple[{}]", parts.join(", ")));
        }
        let item = match map.get("items") {
            Some(items) => self.ty(items, &format!("{hint}Item"))?,
            None => "object".into(),
        };
        Ok(format!("List[{item}]"))
    }

    fn object(&mut self, map: &Map<String, Value>, hint: &str) -> Result<String, String> {
        if map.get("properties").is_some() {
            if !self.written.insert(hint.to_string()) {
                return Err(format!("two shapes want the name {hint}"));
            }
            self.class(hint, &Value::Null, map)?;
            return Ok(hint.to_string());
        }
        Ok(match map.get("additionalProperties") {
            Some(extra @ Value::Object(_)) => {
                format!("Dict[str, {}]", self.ty(extra, &format!("{hint}Value"))?)
            }
            _ => "Dict[str, object]".into(),
        })
    }
}

/// A variant's name from its tag: the first property whose schema is a string constant.
fn variant_name(variant: &Value) -> Option<String> {
    let properties = variant.get("properties")?.as_object()?;
    properties
        .values()
        .find_map(|p| p.get("const").and_then(Value::as_str))
        .map(camel)
}

/// The whole module.
pub fn render(defs: &Defs) -> Result<String, String> {
    let mut renderer = Renderer {
        defs,
        written: BTreeSet::new(),
        open: BTreeSet::new(),
        out: String::from(HEADER),
    };
    for name in defs.keys() {
        renderer.define(name)?;
    }
    Ok(renderer.out)
}
