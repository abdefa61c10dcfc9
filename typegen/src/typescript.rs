//! TypeScript declarations from the schemas: an `interface` per object shape, a `type` for
//! everything else.

use serde_json::{Map, Value};

use crate::model::Defs;

/// The name a `$ref` points at.
pub fn ref_name(target: &str) -> &str {
    target.trim_start_matches("#/$defs/")
}

/// The schema's description as a JSDoc block indented by `indent`, or nothing.
fn doc(schema: &Value, indent: &str) -> String {
    match schema.get("description").and_then(Value::as_str) {
        Some(text) if text.contains('\n') => {
            let body: String = text
                .lines()
                .map(|line| format!("{indent} * {line}").trim_end().to_string() + "\n")
                .collect();
            format!("{indent}/**\n{body}{indent} */\n")
        }
        Some(text) => format!("{indent}/** {text} */\n"),
        None => String::new(),
    }
}

fn literal(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(format!(
            "'{}'",
            s.replace('\\', "\\\\").replace('\'', "\\'")
        )),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok("null".into()),
        other => Err(format!("unsupported literal {other}")),
    }
}

/// `a | b | c` without repeats, `null` last.
fn union(mut parts: Vec<String>) -> String {
    let mut seen = Vec::new();
    parts.retain(|p| {
        let fresh = !seen.contains(p);
        seen.push(p.clone());
        fresh
    });
    if let Some(i) = parts.iter().position(|p| p == "null") {
        let null = parts.remove(i);
        parts.push(null);
    }
    parts.join(" | ")
}

fn object(map: &Map<String, Value>, indent: &str) -> Result<String, String> {
    let Some(Value::Object(properties)) = map.get("properties") else {
        return Ok(match map.get("additionalProperties") {
            Some(Value::Object(_)) => format!(
                "Record<string, {}>",
                ty(&map["additionalProperties"], indent)?
            ),
            _ => "Record<string, unknown>".into(),
        });
    };
    let required: Vec<&str> = map
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let inner = format!("{indent}  ");
    let mut out = String::from("{\n");
    for (name, schema) in properties {
        let optional = if required.contains(&name.as_str()) {
            ""
        } else {
            "?"
        };
        out += &doc(schema, &inner);
        out += &format!("{inner}{name}{optional}: {}\n", ty(schema, &inner)?);
    }
    out += &format!("{indent}}}");
    Ok(out)
}

/// The TypeScript type of `schema`; nested objects are indented by `indent`.
pub fn ty(schema: &Value, indent: &str) -> Result<String, String> {
    let map = match schema {
        Value::Bool(true) => return Ok("unknown".into()),
        Value::Object(map) => map,
        other => return Err(format!("unsupported schema {other}")),
    };
    if let Some(Value::String(target)) = map.get("$ref") {
        return Ok(ref_name(target).to_string());
    }
    // A type the schema cannot say in TypeScript terms (bytes as a Uint8Array).
    if let Some(Value::String(ts)) = map.get("x-typescript") {
        return Ok(ts.clone());
    }
    if let Some(value) = map.get("const") {
        return literal(value);
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        return Ok(union(values.iter().map(literal).collect::<Result<_, _>>()?));
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(variants)) = map.get(key) {
            let mut parts = Vec::new();
            for variant in variants {
                parts.push(ty(&merged(map, variant, key), indent)?);
            }
            return Ok(union(parts));
        }
    }
    if let Some(Value::Array(parts)) = map.get("allOf") {
        let parts: Vec<String> = parts
            .iter()
            .map(|p| ty(p, indent))
            .collect::<Result<_, _>>()?;
        return Ok(parts.join(" & "));
    }
    let types: Vec<&str> = match map.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return Ok("unknown".into()),
    };
    let mut parts = Vec::new();
    for t in types {
        parts.push(match t {
            "string" => "string".to_string(),
            "integer" | "number" => "number".to_string(),
            "boolean" => "boolean".to_string(),
            "null" => "null".to_string(),
            "array" => array(map, indent)?,
            "object" => object(map, indent)?,
            other => return Err(format!("unsupported type {other}")),
        });
    }
    Ok(union(parts))
}

fn array(map: &Map<String, Value>, indent: &str) -> Result<String, String> {
    if let Some(Value::Array(items)) = map.get("prefixItems") {
        let items: Vec<String> = items
            .iter()
            .map(|i| ty(i, indent))
            .collect::<Result<_, _>>()?;
        return Ok(format!("[{}]", items.join(", ")));
    }
    let item = match map.get("items") {
        Some(items) => ty(items, indent)?,
        None => "unknown".into(),
    };
    Ok(if item.contains(' ') {
        format!("Array<{item}>")
    } else {
        format!("{item}[]")
    })
}

/// A `oneOf` variant with the properties its parent declares for every variant (serde's
/// internally tagged enums put shared fields there).
pub fn merged(parent: &Map<String, Value>, variant: &Value, key: &str) -> Value {
    let mut out = parent.clone();
    out.remove(key);
    out.remove("description");
    if let Value::Object(v) = variant {
        for (k, value) in v {
            match (out.get_mut(k), value) {
                (Some(Value::Object(a)), Value::Object(b)) if k == "properties" => {
                    a.extend(b.clone());
                }
                (Some(Value::Array(a)), Value::Array(b)) if k == "required" => {
                    a.extend(b.iter().cloned());
                }
                _ => {
                    out.insert(k.clone(), value.clone());
                }
            }
        }
    }
    Value::Object(out)
}

/// Every declaration, alphabetically.
pub fn render(defs: &Defs) -> Result<String, String> {
    let mut out = String::new();
    for (name, schema) in defs {
        out += &doc(schema, "");
        let is_interface = schema.get("properties").is_some()
            && schema.get("oneOf").is_none()
            && schema.get("anyOf").is_none();
        if is_interface {
            let map = schema.as_object().ok_or("a definition is not an object")?;
            out += &format!("export interface {name} {}\n", object(map, "")?);
        } else {
            out += &format!("export type {name} = {}\n", ty(schema, "")?);
        }
    }
    Ok(out)
}
