//! The published OpenAPI 3.0 document: loading it from `../shared`,
//! patching it with the deviations, finding an operation by method and
//! path, and turning its schemas into JSON Schema the validator accepts.

use std::path::PathBuf;

use serde_json::{Map, Value, json};

/// The newest copy of the spec, from the official docs repository.
pub(crate) const SPEC_FILE: &str = "limitless-docs-openapi-2026-04-30.json";

/// The HTTP methods an OpenAPI path item may hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Where the spec copies are: `../shared/reference/openapi/` beside the
/// workspace root (never copied into the repository).
pub(crate) fn spec_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/openapi")
}

/// `METHOD /path` of every operation in the spec, in document order.
pub(crate) fn operations(spec: &Value) -> Vec<String> {
    let mut keys = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            if item.get(method).is_some() {
                keys.push(format!("{} {path}", method.to_ascii_uppercase()));
            }
        }
    }
    keys
}

/// The JSON pointer of the operation `METHOD /path` (`/paths/~1orders/post`).
pub(crate) fn operation_pointer(key: &str) -> String {
    let (method, path) = key
        .split_once(' ')
        .expect("operation keys are `METHOD /path`");
    format!("/paths/{}/{}", escape(path), method.to_ascii_lowercase())
}

/// Escapes one JSON-pointer token (RFC 6901).
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The spec operation whose path template matches `path` for `method`.
/// Where several do (`/markets/active` and `/markets/{addressOrSlug}`), the
/// one with the most literal segments wins, as routers resolve them.
pub(crate) fn resolve(spec: &Value, method: &str, path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let method = method.to_ascii_lowercase();
    spec["paths"]
        .as_object()?
        .iter()
        .filter(|(_, item)| item.get(&method).is_some())
        .filter_map(|(template, _)| {
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (part, segment) in parts.iter().zip(&segments) {
                if is_placeholder(part) {
                    if segment.is_empty() {
                        return None;
                    }
                } else if part == segment {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, template))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, template)| format!("{} {template}", method.to_ascii_uppercase()))
}

/// Whether a path-template segment is a parameter (`{slug}`).
pub(crate) fn is_placeholder(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// A change to the spec document before validating: one deviation.
#[derive(Clone, Debug)]
pub(crate) enum Patch {
    /// Puts `value` at the pointer: replaces a member or an array item,
    /// adds a member, or appends to an array when the last token is `-`.
    /// The parent must exist.
    Set(String, Value),
    /// Removes the member or array item at the pointer, which must exist.
    Remove(String),
    /// Puts a copy of what is at `from`, which must exist, at `to` (as
    /// [`Set`](Self::Set) would).
    Copy {
        /// Where the value is.
        from: String,
        /// Where it goes.
        to: String,
    },
}

impl Patch {
    /// Applies the patch to `document`.
    pub(crate) fn apply(&self, document: &mut Value) -> Result<(), String> {
        match self {
            Self::Set(pointer, value) => put(document, pointer, value.clone()),
            Self::Copy { from, to } => {
                let value = document
                    .pointer(from)
                    .cloned()
                    .ok_or_else(|| format!("{from} is not in the spec"))?;
                put(document, to, value)
            }
            Self::Remove(pointer) => {
                let missing = || format!("{pointer} is not in the spec");
                match parent(document, pointer)? {
                    (Value::Object(members), last) => {
                        members.remove(&last).map(drop).ok_or_else(missing)
                    }
                    (Value::Array(items), last) => {
                        let i = index(&last)
                            .filter(|i| *i < items.len())
                            .ok_or_else(missing)?;
                        items.remove(i);
                        Ok(())
                    }
                    _ => Err(missing()),
                }
            }
        }
    }
}

/// Puts `value` at `pointer`: see [`Patch::Set`].
fn put(document: &mut Value, pointer: &str, value: Value) -> Result<(), String> {
    match parent(document, pointer)? {
        (Value::Object(members), last) => {
            members.insert(last, value);
        }
        (Value::Array(items), last) if last == "-" => items.push(value),
        (Value::Array(items), last) => {
            let item = index(&last)
                .and_then(|i| items.get_mut(i))
                .ok_or_else(|| format!("{pointer} is not in the spec"))?;
            *item = value;
        }
        _ => {
            return Err(format!(
                "the parent of {pointer} is neither object nor array"
            ));
        }
    }
    Ok(())
}

/// The value holding what `pointer` points at, and the last token unescaped.
fn parent<'a>(document: &'a mut Value, pointer: &str) -> Result<(&'a mut Value, String), String> {
    let (parent, last) = pointer
        .rsplit_once('/')
        .ok_or_else(|| format!("{pointer:?} is not a JSON pointer"))?;
    let holder = document
        .pointer_mut(parent)
        .ok_or_else(|| format!("{parent} is not in the spec"))?;
    Ok((holder, last.replace("~1", "/").replace("~0", "~")))
}

fn index(token: &str) -> Option<usize> {
    token.parse().ok()
}

/// The OpenAPI 3.0 Schema Object `schema` as JSON Schema draft 4 (the
/// draft OpenAPI 3.0 extends). Three differences matter to a validator:
/// - `nullable: true` is OpenAPI's way to admit `null`: the type gains
///   `"null"` (and an `enum` gains `null`); where there is no `type` (a
///   `$ref`, an `allOf`), the schema becomes `anyOf` itself or `null`,
///   since draft 4 ignores the siblings of a `$ref`.
/// - `example` is documentation; it is dropped so that no example value is
///   ever taken for a constraint.
/// - `$ref`s point at `#/components/schemas/…`; they stay as they are and
///   resolve because the converted components sit at the same place in
///   the document the validator is built from ([`validation_document`]).
///
/// Only schema positions are converted (`properties` values, `items`, …),
/// so a property that happens to be named `example` or `nullable` stays.
pub(crate) fn to_json_schema(schema: &Value) -> Value {
    let Value::Object(members) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in members {
        let converted = match key.as_str() {
            "nullable" | "example" => continue,
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, property)| (name.clone(), to_json_schema(property)))
                    .collect(),
            ),
            "items" | "not" | "additionalProperties" => to_json_schema(value),
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(to_json_schema)
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if members.get("nullable") != Some(&Value::Bool(true)) {
        return Value::Object(out);
    }
    match out.get("type").cloned() {
        Some(Value::String(kind)) => {
            out.insert("type".to_owned(), json!([kind, "null"]));
            if let Some(Value::Array(values)) = out.get_mut("enum") {
                values.push(Value::Null);
            }
            Value::Object(out)
        }
        _ => json!({ "anyOf": [Value::Object(out), { "type": "null" }] }),
    }
}

/// The document a validator for `schema` is built from: the converted
/// schema at the root, beside the spec's converted
/// `components.schemas`, where its `$ref`s point.
pub(crate) fn validation_document(components: &Value, schema: &Value) -> Value {
    json!({
        "allOf": [to_json_schema(schema)],
        "components": { "schemas": components },
    })
}

/// The spec's `components.schemas`, each converted.
pub(crate) fn converted_components(spec: &Value) -> Value {
    Value::Object(
        spec["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, schema)| (name.clone(), to_json_schema(schema)))
            .collect(),
    )
}

/// The problems of `instance` against `schema` (an OpenAPI schema of the
/// spec whose converted components are `components`); a schema that does
/// not compile (a dangling `$ref`) is one problem.
pub(crate) fn validate(components: &Value, schema: &Value, instance: &Value) -> Vec<String> {
    let document = validation_document(components, schema);
    let validator = match jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&document)
    {
        Ok(validator) => validator,
        Err(error) => return vec![format!("the schema does not compile: {error}")],
    };
    validator
        .iter_errors(instance)
        .map(|error| format!("at `{}`: {error}", error.instance_path()))
        .collect()
}
