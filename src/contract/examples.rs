//! An example for every schema in `components`, so that the docs show one for every body
//! and response.
//!
//! Examples written on a type stay as they are. Every other schema takes its example from
//! them, so that the document tells one story: a schema that a written example holds as a
//! property's value (a claim's `claimant`, a model's `company`) takes that value; an
//! enumeration takes its first value; an object made of such parts (a list's page, a
//! search's results) is put together from its properties' examples; an `allOf` merges its
//! parts'. What still lacks one is left without, and a test names it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use utoipa::openapi::OpenApi;

/// Gives every schema of `openapi`'s components that has none an example made from the others.
pub fn complete(openapi: &mut OpenApi) {
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    let Ok(Value::Object(schemas)) = serde_json::to_value(&components.schemas) else {
        return;
    };
    let examples = examples_of(&schemas);
    let mut schemas = schemas;
    for (name, schema) in schemas.iter_mut() {
        if let (Some(example), Value::Object(schema)) = (examples.get(name), schema)
            && written(&Value::Object(schema.clone())).is_none()
        {
            schema.insert("example".into(), example.clone());
        }
    }
    if let Ok(schemas) = serde_json::from_value(Value::Object(schemas)) {
        components.schemas = schemas;
    }
}

/// The example of every schema that has or can be given one, by name.
fn examples_of(schemas: &Map<String, Value>) -> BTreeMap<String, Value> {
    let mut examples: BTreeMap<String, Value> = schemas
        .iter()
        .filter_map(|(name, schema)| written(schema).map(|example| (name.clone(), example)))
        .collect();
    while let Some((name, example)) = carried(schemas, &examples)
        .or_else(|| derived(schemas, &examples, enumerated))
        .or_else(|| derived(schemas, &examples, composed))
    {
        examples.insert(name, example);
    }
    examples
}

/// The example written on a schema itself.
fn written(schema: &Value) -> Option<Value> {
    schema
        .get("example")
        .cloned()
        .or_else(|| schema.get("examples")?.get(0).cloned())
}

/// The component a schema refers to, and whether through an array's items.
fn referred(schema: &Value) -> Option<(&str, bool)> {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        return target.rsplit('/').next().map(|name| (name, false));
    }
    if let Some(items) = schema.get("items") {
        return referred(items).map(|(name, _)| (name, true));
    }
    ["oneOf", "anyOf", "allOf"]
        .into_iter()
        .filter_map(|key| schema.get(key)?.as_array())
        .flatten()
        .find_map(referred)
}

/// The first schema without an example that a written or derived example holds as the
/// value of a property referring to it.
fn carried(
    schemas: &Map<String, Value>,
    examples: &BTreeMap<String, Value>,
) -> Option<(String, Value)> {
    for (name, example) in examples {
        let Some(properties) = schemas
            .get(name)
            .and_then(|schema| schema.get("properties"))
            .and_then(Value::as_object)
        else {
            continue;
        };
        for (property, schema) in properties {
            let Some((target, through_items)) = referred(schema) else {
                continue;
            };
            if examples.contains_key(target) {
                continue;
            }
            let value = match (example.get(property), through_items) {
                (Some(Value::Array(items)), true) => items.first(),
                (Some(value), false) => Some(value),
                _ => None,
            };
            if let Some(value) = value.filter(|value| !value.is_null()) {
                return Some((target.to_owned(), value.clone()));
            }
        }
    }
    None
}

/// The first schema without an example for which `derive` makes one.
fn derived(
    schemas: &Map<String, Value>,
    examples: &BTreeMap<String, Value>,
    derive: fn(&Value, &BTreeMap<String, Value>) -> Option<Value>,
) -> Option<(String, Value)> {
    schemas
        .iter()
        .filter(|(name, _)| !examples.contains_key(*name))
        .find_map(|(name, schema)| Some((name.clone(), derive(schema, examples)?)))
}

/// An enumeration's first value.
fn enumerated(schema: &Value, _: &BTreeMap<String, Value>) -> Option<Value> {
    schema.get("enum")?.get(0).cloned()
}

/// An object put together from its properties' examples, or an `allOf` from its parts'.
/// Every required property needs one; an optional one without is left out.
fn composed(schema: &Value, examples: &BTreeMap<String, Value>) -> Option<Value> {
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            match value_of(part, examples)? {
                Value::Object(fields) => merged.extend(fields),
                _ => return None,
            }
        }
        return Some(Value::Object(merged));
    }
    object_of(schema, examples)
}

fn object_of(schema: &Value, examples: &BTreeMap<String, Value>) -> Option<Value> {
    let properties = schema.get("properties")?.as_object()?;
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut object = Map::new();
    for (name, property) in properties {
        match value_of(property, examples) {
            Some(value) => {
                object.insert(name.clone(), value);
            }
            None if required.contains(&name.as_str()) => return None,
            None => {}
        }
    }
    Some(Value::Object(object))
}

/// An example of one property's or part's schema.
fn value_of(schema: &Value, examples: &BTreeMap<String, Value>) -> Option<Value> {
    if let Some(example) = written(schema) {
        return Some(example);
    }
    if let Some((target, through_items)) = referred(schema) {
        let example = examples.get(target)?.clone();
        return Some(match through_items {
            true => Value::Array(vec![example]),
            false => example,
        });
    }
    if schema.get("properties").is_some() {
        return object_of(schema, examples);
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn examples_come_from_the_written_ones() {
        let schemas = json!({
            "Model": {"type": "object", "properties": {"company": {"$ref": "#/components/schemas/CompanyRef"}},
                      "example": {"company": {"slug": "deepseek"}}},
            "CompanyRef": {"type": "object", "properties": {"slug": {"type": "string"}}},
            "Openness": {"type": "string", "enum": ["open_weights", "closed_api"]},
            "ListBody_Model": {"type": "object", "required": ["data"], "properties": {
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/Model"}},
                "next_cursor": {"type": ["string", "null"], "example": "eyJ9"},
                "total": {"type": ["integer", "null"]}}},
            "Unknowable": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
        });
        let Value::Object(schemas) = schemas else {
            unreachable!()
        };
        let examples = examples_of(&schemas);
        assert_eq!(examples["CompanyRef"], json!({"slug": "deepseek"}));
        assert_eq!(examples["Openness"], json!("open_weights"));
        assert_eq!(
            examples["ListBody_Model"],
            json!({"data": [{"company": {"slug": "deepseek"}}], "next_cursor": "eyJ9"})
        );
        assert!(!examples.contains_key("Unknowable"));
    }
}
