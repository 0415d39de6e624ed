//! The bodies of `PATCH`, said as schemas: a JSON merge patch (RFC 7396) of a record's
//! create body.
//!
//! A route declares its patch as any JSON, since the service merges it into the record's
//! current body and checks the result as a whole. The document says more: each `PATCH`
//! takes `XPatch`, made from the `XInput` its collection's `POST` takes. Every field is
//! optional; a field that may be absent may also be `null`, which removes it, while a
//! required one may not; an object field is itself a patch (`{"name": {"ar": "…"}}`
//! changes one language), while an array is replaced whole, as RFC 7396 merges. Fields the
//! create body does not know are refused, in both bodies, as the service refuses them.

use serde_json::{Map, Value, json};
use utoipa::openapi::{OpenApi, RefOr, path::PathItem};

/// The media type of a merge patch.
const MERGE_PATCH: &str = "application/merge-patch+json";

/// Points every `PATCH` body at a patch schema made from its `POST` sibling's body.
pub fn add(openapi: &mut OpenApi) {
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    let Ok(Value::Object(mut schemas)) = serde_json::to_value(&components.schemas) else {
        return;
    };
    let creates: Vec<(String, String)> = openapi
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| Some((path.clone(), create_body(item)?)))
        .collect();
    for (path, item) in openapi.paths.paths.iter_mut() {
        let Some(patch) = item.patch.as_mut() else {
            continue;
        };
        let Some(input) = path
            .rsplit_once('/')
            .and_then(|(collection, _)| creates.iter().find(|(p, _)| p == collection))
            .map(|(_, input)| input.clone())
        else {
            continue;
        };
        let Some(RefOr::T(body)) = patch.request_body.as_mut() else {
            continue;
        };
        let Some(RefOr::T(content)) = body.content.get_mut(MERGE_PATCH) else {
            continue;
        };
        if let Some(name) = patch_of(&mut schemas, &input) {
            content.schema = serde_json::from_value(json!({"$ref": reference(&name)})).ok();
        }
    }
    for name in inputs(&schemas) {
        if let Some(Value::Object(schema)) = schemas.get_mut(&name) {
            schema.insert("additionalProperties".into(), Value::Bool(false));
        }
    }
    if let Ok(schemas) = serde_json::from_value(Value::Object(schemas)) {
        components.schemas = schemas;
    }
}

/// The component the `POST` of `item` takes as its JSON body.
fn create_body(item: &PathItem) -> Option<String> {
    let Some(RefOr::T(body)) = item.post.as_ref()?.request_body.as_ref() else {
        return None;
    };
    let Some(RefOr::T(content)) = body.content.get("application/json") else {
        return None;
    };
    let schema = serde_json::to_value(content.schema.as_ref()?).ok()?;
    component(&schema).map(str::to_owned)
}

fn reference(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

/// The name of the component `schema` refers to directly.
fn component(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.rsplit('/').next()
}

/// Whether the component `name` is an object with named fields.
fn is_object(schemas: &Map<String, Value>, name: &str) -> bool {
    schemas
        .get(name)
        .is_some_and(|schema| schema.get("properties").is_some())
}

/// The patch schema's name for the object component `name`, made (with those of the
/// objects it holds) if it is not there yet.
fn patch_of(schemas: &mut Map<String, Value>, name: &str) -> Option<String> {
    let patch = format!("{}Patch", name.strip_suffix("Input").unwrap_or(name));
    if schemas.contains_key(&patch) {
        return Some(patch);
    }
    let input = schemas.get(name)?.clone();
    let properties = input.get("properties")?.as_object()?.clone();
    let required = |field: &str| {
        input
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|names| names.iter().any(|n| n == field))
    };
    // Reserved first, so that an object that (indirectly) holds itself ends.
    schemas.insert(patch.clone(), Value::Null);
    let mut fields = Map::new();
    for (field, schema) in properties {
        let schema = match nested(&schema, schemas) {
            Some(target) => {
                let target = patch_of(schemas, &target)?;
                let description = schema
                    .get("description")
                    .or_else(|| first_part(&schema)?.get("description"))
                    .cloned();
                let mut reference = json!({"$ref": reference(&target)});
                if let Some(description) = description {
                    reference["description"] = description;
                }
                match required(&field) {
                    true => reference,
                    false => json!({"oneOf": [reference, {"type": "null"}]}),
                }
            }
            None => schema,
        };
        fields.insert(field, schema);
    }
    let example = example(&input);
    let mut schema = json!({
        "type": "object",
        "description": format!(
            "A JSON merge patch (RFC 7396) of a `{name}`: any of its fields, each changing that field. `null` removes an optional field; an object field is merged in turn, an array replaced whole."
        ),
        "properties": fields,
        "additionalProperties": false,
    });
    if let Some(example) = example {
        schema["example"] = example;
    }
    schemas.insert(patch.clone(), schema);
    Some(patch)
}

/// The object component a field holds directly or as `oneOf` it and `null`; never one
/// inside an array, which a merge patch replaces whole.
fn nested(schema: &Value, schemas: &Map<String, Value>) -> Option<String> {
    let target = component(schema).or_else(|| component(first_part(schema)?))?;
    is_object(schemas, target).then(|| target.to_owned())
}

/// The first part of a `oneOf` that refers to a component.
fn first_part(schema: &Value) -> Option<&Value> {
    schema
        .get("oneOf")?
        .as_array()?
        .iter()
        .find(|part| part.get("$ref").is_some())
}

/// A patch's example: the create body's example, kept to its optional fields (the ones an
/// editor most often adds or corrects later), or to its first field when it has none.
fn example(input: &Value) -> Option<Value> {
    let Value::Object(example) = input.get("example")? else {
        return None;
    };
    let required = input.get("required").and_then(Value::as_array);
    let is_required = |field: &str| required.is_some_and(|names| names.iter().any(|n| n == field));
    let optional: Map<String, Value> = example
        .iter()
        .filter(|(field, _)| !is_required(field))
        .map(|(field, value)| (field.clone(), value.clone()))
        .collect();
    if !optional.is_empty() {
        return Some(Value::Object(optional));
    }
    let (field, value) = example.iter().next()?;
    Some(json!({ field.clone(): value.clone() }))
}

/// Every object component that a create body is or holds: the ones whose unknown fields
/// the service refuses.
fn inputs(schemas: &Map<String, Value>) -> Vec<String> {
    let mut found: Vec<String> = schemas
        .keys()
        .filter(|name| name.ends_with("Input"))
        .cloned()
        .collect();
    let mut index = 0;
    while let Some(name) = found.get(index).cloned() {
        index += 1;
        let Some(properties) = schemas
            .get(&name)
            .and_then(|schema| schema.get("properties"))
            .and_then(Value::as_object)
        else {
            continue;
        };
        for schema in properties.values() {
            let held = schema.get("items").unwrap_or(schema);
            if let Some(target) = nested(held, schemas)
                && !found.contains(&target)
            {
                found.push(target);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_is_the_create_body_with_every_field_optional() {
        let Value::Object(mut schemas) = json!({
            "NoteInput": {"type": "object", "required": ["title", "text"], "properties": {
                "title": {"type": "string"},
                "text": {"$ref": "#/components/schemas/Text", "description": "Its text."},
                "summary": {"oneOf": [{"$ref": "#/components/schemas/Text"}, {"type": "null"}]},
                "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Text"}},
                "year": {"type": ["integer", "null"]}},
                "example": {"title": "T", "text": {"en": "x", "ar": "س"}, "year": 2025}},
            "Text": {"type": "object", "required": ["en", "ar"], "properties": {
                "en": {"type": "string"}, "ar": {"type": "string"}},
                "example": {"en": "x", "ar": "س"}}
        }) else {
            unreachable!()
        };
        assert_eq!(
            patch_of(&mut schemas, "NoteInput").as_deref(),
            Some("NotePatch")
        );
        let patch = &schemas["NotePatch"];
        assert!(patch.get("required").is_none());
        assert_eq!(patch["additionalProperties"], json!(false));
        let fields = &patch["properties"];
        assert_eq!(fields["title"], json!({"type": "string"}));
        assert_eq!(
            fields["text"],
            json!({"$ref": "#/components/schemas/TextPatch", "description": "Its text."})
        );
        assert_eq!(
            fields["summary"]["oneOf"][0]["$ref"],
            json!("#/components/schemas/TextPatch")
        );
        assert_eq!(
            fields["tags"]["items"]["$ref"],
            json!("#/components/schemas/Text")
        );
        assert_eq!(patch["example"], json!({"year": 2025}));
        assert!(schemas["TextPatch"].get("required").is_none());
        assert_eq!(schemas["TextPatch"]["example"], json!({"en": "x"}));
        assert_eq!(inputs(&schemas), ["NoteInput", "Text"]);
    }
}
